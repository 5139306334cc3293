//! HTML (botocore documentation) to Markdown (rustdoc).

/// Converts a botocore HTML documentation fragment to rustdoc-safe Markdown.
pub fn html_to_markdown(html: &str) -> String {
    // Placeholder until the full converter lands: strip tags.
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.trim().to_owned()
}
