//! The converter's behaviour, case by case.

use super::html_to_markdown as md;

// ---- paragraphs & whitespace ------------------------------------------------------------

#[test]
fn empty_and_whitespace_input() {
    assert_eq!(md(""), "");
    assert_eq!(md("   \n\t "), "");
    assert_eq!(md("<p></p> <p> </p>"), "");
}

#[test]
fn plain_text_without_tags() {
    assert_eq!(md("The ARN of the role."), "The ARN of the role.");
}

#[test]
fn paragraphs_are_separated_by_one_blank_line() {
    assert_eq!(
        md("<p>First.</p> <p>Second.</p>\n\n<p>Third.</p>"),
        "First.\n\nSecond.\n\nThird."
    );
}

#[test]
fn whitespace_is_collapsed_and_trimmed() {
    assert_eq!(md("<p>  a \n\t b  </p>"), "a b");
    assert_eq!(md("  <p>x</p>  "), "x");
    assert_eq!(md("a&nbsp;&nbsp;b"), "a b");
    assert_eq!(md("a\r\nb\rc"), "a b c");
}

#[test]
fn text_outside_paragraphs_forms_paragraphs() {
    assert_eq!(md("Intro <p>Body</p> Outro"), "Intro\n\nBody\n\nOutro");
}

#[test]
fn unclosed_paragraphs_are_closed_by_the_next_one() {
    assert_eq!(md("<p>One<p>Two"), "One\n\nTwo");
}

// ---- code ---------------------------------------------------------------------------------

#[test]
fn code_span() {
    assert_eq!(
        md("<p>Use <code>sts:TagSession</code> here.</p>"),
        "Use `sts:TagSession` here."
    );
}

#[test]
fn code_span_collapses_whitespace_and_keeps_outer_spaces() {
    assert_eq!(md("a<code> x \n  y </code>b"), "a `x y` b");
    assert_eq!(md("<code>  </code>"), "");
}

#[test]
fn code_span_with_backticks_uses_longer_fence() {
    assert_eq!(md("<code>a`b</code>"), "``a`b``");
    assert_eq!(md("<code>a``b</code>"), "```a``b```");
    assert_eq!(md("<code>`x</code>"), "`` `x ``");
}

#[test]
fn adjacent_code_spans_do_not_merge() {
    assert_eq!(md("<code>a</code><code>b</code>"), "`a` `b`");
    assert_eq!(
        md("<code>x</code><code>`&lt;b&gt;`</code>"),
        "`x` `` `<b>` ``"
    );
    assert_eq!(md("a`<code>b</code>"), r"a\``b`");
}

#[test]
fn code_span_is_literal() {
    assert_eq!(
        md("<code>arn:aws:iam::*:role/&lt;role_name&gt; [x] a|b</code>"),
        "`arn:aws:iam::*:role/<role_name> [x] a|b`"
    );
    assert_eq!(
        md("<code>https://example.com/x</code>"),
        "`https://example.com/x`"
    );
    assert_eq!(md("<code>Foo<i>Bar</i></code>"), "`FooBar`");
}

// ---- links --------------------------------------------------------------------------------

#[test]
fn link() {
    assert_eq!(
        md(
            r#"see <a href="https://docs.aws.amazon.com/IAM/latest/UserGuide/x.html">Temporary credentials</a> in"#
        ),
        "see [Temporary credentials](https://docs.aws.amazon.com/IAM/latest/UserGuide/x.html) in"
    );
}

#[test]
fn link_text_keeps_markup_and_is_escaped() {
    assert_eq!(
        md(r#"<a href="https://x.example/a_b"> <code>Foo</code> [v2] </a>."#),
        r"[`Foo` \[v2\]](https://x.example/a_b) ."
    );
}

#[test]
fn link_without_href_is_text() {
    assert_eq!(md(r#"<a name="top">Top</a> here"#), "Top here");
}

#[test]
fn link_with_empty_text_is_autolink() {
    assert_eq!(
        md(r#"See <a href="https://example.com/a"></a>."#),
        "See <https://example.com/a>."
    );
    assert_eq!(
        md(r#"<a href="https://example.com/a"> </a>"#),
        "<https://example.com/a>"
    );
    assert_eq!(
        md(r#"<a href="https://example.com/a">https://example.com/a</a>"#),
        "<https://example.com/a>"
    );
}

#[test]
fn relative_link_is_text() {
    assert_eq!(
        md(r#"<a href="API_AssumeRole.html">AssumeRole</a>"#),
        "AssumeRole"
    );
    assert_eq!(md(r##"<a href="#anchor">here</a>"##), "here");
    assert_eq!(md(r#"<a href="mailto:nobody">x</a>"#), "x");
}

#[test]
fn link_destination_is_sanitized() {
    assert_eq!(
        md(r#"<a href=" https://e.com/a b(c)&lt;d&gt;?x=1&amp;copy;y ">t</a>"#),
        r"[t](https://e.com/a%20b%28c%29%3Cd%3E?x=1\&copy;y)"
    );
    assert_eq!(
        md("<a href='https://e.com/x'>single</a>"),
        "[single](https://e.com/x)"
    );
    assert_eq!(
        md("<a href=https://e.com/x>unquoted</a>"),
        "[unquoted](https://e.com/x)"
    );
    assert_eq!(
        md(r#"<a href="mailto:a@b.com">mail</a>"#),
        "[mail](mailto:a@b.com)"
    );
}

#[test]
fn nested_links_are_flattened() {
    assert_eq!(
        md(r#"<a href="https://a.example/">x <a href="https://b.example/">y</a></a>"#),
        "[x y](https://a.example/)"
    );
}

#[test]
fn exclamation_before_link_is_escaped() {
    assert_eq!(
        md(r#"Hi!<a href="https://e.com/x">t</a>"#),
        r"Hi\![t](https://e.com/x)"
    );
    assert_eq!(
        md(r#"Hi! <a href="https://e.com/x">t</a>"#),
        "Hi! [t](https://e.com/x)"
    );
}

#[test]
fn ulink_is_a_link() {
    assert_eq!(
        md(r#"<ulink url="http://docs.aws.amazon.com/x.html">Guide</ulink>"#),
        "[Guide](http://docs.aws.amazon.com/x.html)"
    );
}

// ---- emphasis -----------------------------------------------------------------------------

#[test]
fn emphasis_and_strong() {
    assert_eq!(
        md("in the <i>IAM User Guide</i>."),
        "in the *IAM User Guide*."
    );
    assert_eq!(
        md("<em>a</em> <b>b</b> <strong>c</strong>"),
        "*a* **b** **c**"
    );
    assert_eq!(md("<emphasis>d</emphasis>"), "*d*");
}

#[test]
fn emphasis_moves_spaces_outside_markers() {
    assert_eq!(md("a<i> b </i>c"), "a *b* c");
    assert_eq!(md("<p> <b>Permissions</b> </p>"), "**Permissions**");
}

#[test]
fn empty_emphasis_is_dropped() {
    assert_eq!(md("a<i></i>b<b> </b>c"), "ab c");
}

#[test]
fn emphasis_next_to_words_stays_emphasis() {
    // `**Note:**The` would not render as bold (closing run after punctuation before a
    // letter), nor would `a**(b)**`.
    assert_eq!(md("<b>Note:</b>The"), "**Note:** The");
    assert_eq!(md("<b>Default VPC:</b>true"), "**Default VPC:** true");
    assert_eq!(md("a<i>(b)</i>"), "a *(b)*");
    assert_eq!(md("<b><code>X</code></b>s"), "**`X`** s");
    assert_eq!(md("<b>Note:</b>."), "**Note:**.");
    assert_eq!(md("<i>word</i>s and <i>x</i>y"), "*word*s and *x*y");
    assert_eq!(md("(<i>(x)</i>)"), "(*(x)*)");
}

#[test]
fn adjacent_emphasis_does_not_merge() {
    assert_eq!(md("<i>a</i><i>b</i>"), "*a* *b*");
    assert_eq!(md("<b>a</b><i>b</i>"), "**a** *b*");
    assert_eq!(md("a*<i>b</i>"), r"a\**b*");
}

#[test]
fn nested_same_emphasis_is_not_doubled() {
    assert_eq!(md("<i>a <em>b</em></i>"), "*a b*");
    assert_eq!(md("<b>a <i>b</i></b>"), "**a *b***");
}

// ---- lists --------------------------------------------------------------------------------

#[test]
fn unordered_list_with_paragraphs_in_items() {
    assert_eq!(
        md("<p>Options:</p> <ul> <li> <p>one</p> </li> <li> <p>two</p> </li> </ul> <p>After.</p>"),
        "Options:\n\n- one\n- two\n\nAfter."
    );
}

#[test]
fn ordered_list() {
    assert_eq!(md("<ol><li>a</li><li>b</li></ol>"), "1. a\n2. b");
}

#[test]
fn ordered_list_with_ten_items_indents_continuations() {
    let html: String = (1..=10)
        .map(|i| format!("<li><p>i{i}</p><p>more</p></li>"))
        .collect();
    let out = md(&format!("<ol>{html}</ol>"));
    assert!(out.starts_with("1. i1\n\n   more\n2. i2\n"), "{out}");
    assert!(out.ends_with("10. i10\n\n    more"), "{out}");
}

#[test]
fn nested_lists_are_indented() {
    assert_eq!(
        md("<ul><li>a<ul><li>b<ol><li>c</li></ol></li></ul></li><li>d</li></ul>"),
        "- a\n  - b\n    1. c\n- d"
    );
    assert_eq!(md("<ol><li>a<ul><li>b</li></ul></li></ol>"), "1. a\n   - b");
}

#[test]
fn multiple_paragraphs_in_an_item_stay_in_the_item() {
    assert_eq!(
        md("<ul><li><p>first</p><p>second</p></li><li>next</li></ul>"),
        "- first\n\n  second\n- next"
    );
}

#[test]
fn list_nested_directly_in_list_joins_previous_item() {
    assert_eq!(
        md("<ul><li>a</li><ul><li>b</li></ul><li>c</li></ul>"),
        "- a\n  - b\n- c"
    );
}

#[test]
fn text_between_items_joins_previous_item() {
    assert_eq!(
        md("<ul><li>a</li> and more <li>b</li></ul>"),
        "- a and more\n- b"
    );
    assert_eq!(md("<ul>lead<li>b</li></ul>"), "- lead\n- b");
}

#[test]
fn unclosed_and_orphan_items() {
    assert_eq!(md("<ul><li>a<li>b</ul>"), "- a\n- b");
    assert_eq!(md("<li>a</li><li>b</li><p>x</p>"), "- a\n- b\n\nx");
    assert_eq!(md("<ul><li></li><li> </li></ul>"), "");
}

#[test]
fn list_closes_open_paragraph() {
    assert_eq!(
        md("<p>Scenarios: <ul><li>a</li></ul></p>"),
        "Scenarios:\n\n- a"
    );
}

#[test]
fn note_inside_list_item() {
    assert_eq!(
        md("<ul><li><note><p>n</p></note></li></ul>"),
        "- **Note:** n"
    );
}

// ---- note / important -------------------------------------------------------------------

#[test]
fn note_and_important() {
    assert_eq!(
        md("<note> <p>Careful.</p> <p>More.</p> </note>"),
        "**Note:** Careful.\n\nMore."
    );
    assert_eq!(
        md("<important><p>Really.</p></important>"),
        "**Important:** Really."
    );
    assert_eq!(md("<note>Bare text</note>"), "**Note:** Bare text");
    assert_eq!(md("<note> </note>"), "");
}

#[test]
fn note_starting_with_list_gets_own_label_paragraph() {
    assert_eq!(md("<note><ul><li>x</li></ul></note>"), "**Note:**\n\n- x");
}

// ---- pre ----------------------------------------------------------------------------------

#[test]
fn pre_is_a_text_code_block() {
    assert_eq!(
        md("<p>Example:</p><pre><code>{\n  \"a\": [1, 2] &lt;x&gt; *y*\n}\n</code></pre>"),
        "Example:\n\n```text\n{\n  \"a\": [1, 2] <x> *y*\n}\n```"
    );
    assert_eq!(
        md("<pre>\nfn main() {}   \n</pre>"),
        "```text\nfn main() {}\n```"
    );
}

#[test]
fn pre_with_backtick_fence_inside_uses_longer_fence() {
    assert_eq!(md("<pre>```\nx\n```</pre>"), "````text\n```\nx\n```\n````");
}

#[test]
fn pre_inside_list_item_is_indented() {
    assert_eq!(
        md("<ul><li>Run:<pre>a\n\nb</pre></li></ul>"),
        "- Run:\n\n  ```text\n  a\n\n  b\n  ```"
    );
}

#[test]
fn empty_pre_is_dropped() {
    assert_eq!(md("<pre> \n </pre>"), "");
}

// ---- br -----------------------------------------------------------------------------------

#[test]
fn br_is_a_hard_line_break() {
    assert_eq!(
        md("<p><b>Note:</b><br>Text<br/>more</p>"),
        "**Note:**\\\nText\\\nmore"
    );
    assert_eq!(md("<p>a <br /> b</p>"), "a\\\nb");
}

#[test]
fn br_at_paragraph_edges_is_dropped_and_double_br_splits() {
    assert_eq!(md("<p><br>a<br></p>"), "a");
    assert_eq!(md("a<br><br>b"), "a\n\nb");
}

#[test]
fn br_inside_inline_markup_is_a_space() {
    assert_eq!(md("<b>a<br>b</b>"), "**a b**");
    assert_eq!(md("<code>a<br>b</code>"), "`a b`");
}

#[test]
fn br_in_list_item_keeps_indentation() {
    assert_eq!(md("<ul><li>a<br>b</li></ul>"), "- a\\\n  b");
}

// ---- headings, fullname, dl, table, containers -------------------------------------------

#[test]
fn headings_become_bold_paragraphs() {
    assert_eq!(md("<h2>Behavior</h2><p>Text</p>"), "**Behavior**\n\nText");
    assert_eq!(md("<h1><b>Bold</b> <code>c</code></h1>"), "**Bold `c`**");
    assert_eq!(md("<title>T</title>"), "**T**");
    assert_eq!(md("<h3> </h3>"), "");
}

#[test]
fn fullname_is_a_paragraph() {
    assert_eq!(
        md("<fullname>Security Token Service</fullname> <p>Body</p>"),
        "Security Token Service\n\nBody"
    );
}

#[test]
fn definition_list() {
    assert_eq!(
        md("<dl> <dt>200</dt> <dd> <p>OK.</p> </dd> <dt>404</dt> <dd>Missing.</dd> </dl>"),
        "**200**\n\nOK.\n\n**404**\n\nMissing."
    );
}

#[test]
fn table() {
    assert_eq!(
        md("<table> <tr> <th>A</th> <th>B</th> </tr> <tr> <td><code>x|y</code></td> <td>1 | 2</td> </tr> <tr><td>only</td></tr> </table>"),
        "| A | B |\n| --- | --- |\n| `x\\|y` | 1 \\| 2 |\n| only |  |"
    );
    assert_eq!(
        md("<table><tbody><tr><td><p>a</p><p>b</p></td></tr></tbody></table>"),
        "| a b |\n| --- |"
    );
    assert_eq!(md("<table> </table>"), "");
}

#[test]
fn examples_and_containers_keep_content() {
    assert_eq!(
        md("<examples><example><title>Ex</title><p>Body</p></example></examples><div>d</div>"),
        "**Ex**\n\nBody\n\nd"
    );
}

#[test]
fn hr_separates_paragraphs() {
    assert_eq!(md("a<hr>b"), "a\n\nb");
}

// ---- unknown tags -------------------------------------------------------------------------

#[test]
fn unknown_and_unrendered_tags_are_dropped_keeping_text() {
    assert_eq!(
        md("<span>a</span> <u>b</u> <foo>c</foo> <replaceable>d</replaceable>"),
        "a b c d"
    );
    assert_eq!(md("<zonbook></zonbook><xhtml></xhtml>"), "");
    assert_eq!(
        md("Example: <copy>mydbinstance</copy> <para/>"),
        "Example: mydbinstance"
    );
}

#[test]
fn unclosed_unknown_tags_are_placeholders_kept_as_text() {
    assert_eq!(
        md("<p>format arn:aws:kms:<region>:<account>:key/<uuid>.</p>"),
        "format arn:aws:kms:&lt;region&gt;:&lt;account&gt;:key/&lt;uuid&gt;."
    );
    assert_eq!(
        md(r#"adds <Role schemeIDUri="urn:mpeg" value="subtitle"/>."#),
        r#"adds &lt;Role schemeIDUri="urn:mpeg" value="subtitle"/&gt;."#
    );
    assert_eq!(md("stray </foo> close"), "stray &lt;/foo&gt; close");
}

#[test]
fn comments_declarations_and_cdata() {
    assert_eq!(md("a<!-- hidden <p> -->b<!DOCTYPE html><?xml x?>c"), "abc");
    assert_eq!(
        md("<![CDATA[<b>x</b> &amp;]]>"),
        "&lt;b&gt;x&lt;/b&gt; &amp;amp;"
    );
}

// ---- escaping -----------------------------------------------------------------------------

#[test]
fn brackets_are_escaped() {
    assert_eq!(
        md("[FunctionARN] and [x](y)"),
        r"\[FunctionARN\] and \[x\](y)"
    );
}

#[test]
fn asterisks_backticks_backslashes_tildes_pipes_are_escaped() {
    assert_eq!(md("a*b* `c` d\\e ~f~ g|h"), r"a\*b\* \`c\` d\\e \~f\~ g\|h");
}

#[test]
fn underscores_escaped_only_where_they_could_emphasize() {
    assert_eq!(md("AWS_ACCESS_KEY_ID"), "AWS_ACCESS_KEY_ID");
    assert_eq!(md("_foo_ and __bar"), r"\_foo\_ and \_\_bar");
    assert_eq!(md("x_ _y"), r"x\_ \_y");
}

#[test]
fn angle_brackets_in_text_become_entities() {
    assert_eq!(
        md("Use &lt;role-name&gt; here"),
        "Use &lt;role-name&gt; here"
    );
    assert_eq!(md("a < b > c"), "a &lt; b &gt; c");
    assert_eq!(md("x<5"), "x&lt;5");
}

#[test]
fn ampersand_is_escaped_only_when_it_could_start_an_entity() {
    assert_eq!(md("A & B"), "A & B");
    assert_eq!(
        md("AT&amp;T &amp;lt; &amp;#1;"),
        "AT&amp;T &amp;lt; &amp;#1;"
    );
    assert_eq!(md("end&"), "end&amp;");
}

#[test]
fn line_start_markers_are_escaped() {
    assert_eq!(md("<p># not a heading</p>"), r"\# not a heading");
    assert_eq!(md("<p>1. not a list</p>"), r"1\. not a list");
    assert_eq!(md("<p>2) nope</p>"), r"2\) nope");
    assert_eq!(
        md("<p>- dash</p><p>+ plus</p><p>= eq</p>"),
        "\\- dash\n\n\\+ plus\n\n\\= eq"
    );
    assert_eq!(md("<p>1.5 GB and 2024</p>"), "1.5 GB and 2024");
    assert_eq!(
        md("a<br>---<br># b<br>1. c"),
        "a\\\n\\---\\\n\\# b\\\n1\\. c"
    );
    assert_eq!(md("<ul><li># x</li></ul>"), r"- \# x");
    assert_eq!(md("<p>: def</p>"), r"\: def");
}

#[test]
fn hash_and_digits_inside_text_are_not_escaped() {
    assert_eq!(
        md("<p>Item #1. costs 2. dollars</p>"),
        "Item #1. costs 2. dollars"
    );
}

// ---- bare URLs ----------------------------------------------------------------------------

#[test]
fn bare_urls_become_autolinks() {
    assert_eq!(
        md("See https://example.com/a_b*c."),
        "See <https://example.com/a_b*c>."
    );
    assert_eq!(
        md("(http://example.com/x), more"),
        "(<http://example.com/x>), more"
    );
    assert_eq!(
        md("https://en.wikipedia.org/wiki/Foo_(bar)!"),
        "<https://en.wikipedia.org/wiki/Foo_(bar)>!"
    );
    assert_eq!(
        md("'https://e.com/x'; and [https://e.com/y]"),
        r"'<https://e.com/x>'; and \[<https://e.com/y>\]"
    );
    assert_eq!(md("HTTPS://E.COM"), "<HTTPS://E.COM>");
    assert_eq!(md("\"https://e.com/a\""), "\"<https://e.com/a>\"");
}

#[test]
fn bare_url_stops_at_markup_characters() {
    assert_eq!(md("https://e.com/&lt;id&gt;"), "<https://e.com/>&lt;id&gt;");
    assert_eq!(md("https://e.com/`x`"), r"<https://e.com/>\`x\`");
}

#[test]
fn bare_scheme_only_is_not_a_url() {
    assert_eq!(md("use https:// or http://."), "use https:// or http://.");
}

#[test]
fn bare_urls_in_emphasis_and_headings_are_wrapped() {
    assert_eq!(md("<i>https://e.com/x</i>"), "*<https://e.com/x>*");
    assert_eq!(md("<h2>https://e.com/x</h2>"), "**<https://e.com/x>**");
}

#[test]
fn bare_urls_in_link_text_are_not_wrapped() {
    assert_eq!(
        md(r#"<a href="https://e.com/x">go to https://e.com/x</a>"#),
        "[go to https://e.com/x](https://e.com/x)"
    );
}

// ---- entities -----------------------------------------------------------------------------

#[test]
fn entities_are_decoded() {
    assert_eq!(
        md("&lt;a&gt; &amp; &quot;q&quot; &apos;s&#39; &#x2014; &#8212;&nbsp;x &mdash; &hellip;"),
        "&lt;a&gt; & \"q\" 's' \u{2014} \u{2014} x \u{2014} \u{2026}"
    );
}

#[test]
fn invalid_and_unknown_entities_are_kept_or_replaced() {
    assert_eq!(
        md("&bogus; &#xD800; &#0; &#; &#x110000; &amp"),
        "&amp;bogus; \u{fffd} \u{fffd} &amp;#; \u{fffd} &amp;amp"
    );
}

#[test]
fn entity_decoded_markup_is_text() {
    assert_eq!(md("&lt;p&gt;x&lt;/p&gt;"), "&lt;p&gt;x&lt;/p&gt;");
    assert_eq!(md("&#91;x&#93;"), r"\[x\]");
}

// ---- malformed input ----------------------------------------------------------------------

#[test]
fn stray_less_than_and_truncated_tags_are_text() {
    assert_eq!(
        md(r#"a <a href="https://e.com"#),
        r#"a &lt;a href="<https://e.com>"#
    );
    assert_eq!(md(r#"a <a href="x"#), r#"a &lt;a href="x"#);
    assert_eq!(md("x <p"), "x &lt;p");
    assert_eq!(md("<"), "&lt;");
    assert_eq!(md("a </ b"), "a &lt;/ b");
    assert_eq!(md("if x<y then z</p>"), "if x&lt;y then z");
}

#[test]
fn unclosed_inline_tags_end_at_block_boundaries() {
    assert_eq!(md("<p>a <code>b</p><p>c</p>"), "a `b`\n\nc");
    assert_eq!(md("<p><b>bold</p>"), "**bold**");
    assert_eq!(md("<i>x"), "*x*");
}

#[test]
fn stray_close_tags_are_ignored() {
    assert_eq!(md("a</p></li></ul></code></b>b"), "ab");
}

#[test]
fn misnested_tags_from_the_wild() {
    // cloudfront: `<code><em>.example.com</code> ... <code></em>.example.com</code>`
    assert_eq!(
        md("(<code><em>.example.com</code>), if <code></em>.example.com</code>"),
        "(`.example.com`), if `.example.com`"
    );
}

#[test]
fn case_insensitive_tags() {
    assert_eq!(
        md("<P>a <CODE>b</CODE> <A HREF=\"https://e.com/\">c</A></P>"),
        "a `b` [c](https://e.com/)"
    );
}

#[test]
fn control_characters_are_dropped() {
    assert_eq!(md("a\u{0}b\u{7}c"), "abc");
}

#[test]
fn deep_nesting_does_not_overflow() {
    let deep = "<ul><li>".repeat(5000) + "x" + &"</li></ul>".repeat(5000);
    assert!(md(&deep).ends_with('x'));
    let deep = "<b><i>".repeat(50_000) + "x";
    assert_eq!(md(&deep), "***x***");
    let deep = "<note>".repeat(10_000) + "x";
    assert!(md(&deep).starts_with("**Note:** "));
}

#[test]
fn pathological_input_is_linear_enough() {
    // Each of these would be quadratic without the scan limits.
    let inputs = [
        "<a x=\"".repeat(40_000),
        "<!--".repeat(40_000),
        "<![CDATA[".repeat(40_000),
        "<!x".repeat(40_000),
        format!("https://a.b/{}", ")".repeat(100_000)),
        "&#".repeat(100_000),
        "<region>".repeat(40_000),
    ];
    let start = std::time::Instant::now();
    for input in &inputs {
        let _ = md(input);
    }
    assert!(
        start.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
}

// ---- real documentation -------------------------------------------------------------------

#[test]
fn sts_assume_role_excerpt() {
    let html = r#"<p>Returns a set of temporary security credentials. Typically, you use <code>AssumeRole</code> within your account. For a comparison, see <a href="https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_request.html">Requesting Temporary Security Credentials</a> in the <i>IAM User Guide</i>.</p> <p> <b>Permissions</b> </p> <p>To allow a user to assume a role in the same account, you can do either of the following:</p> <ul> <li> <p>Attach a policy to the user that allows the user to call <code>AssumeRole</code> (as long as the role's trust policy trusts the account).</p> </li> <li> <p>Add the user as a principal directly in the role's trust policy.</p> </li> </ul> <note> <p>You cannot use session policies to grant more permissions.</p> </note> <p>The regex used to validate this parameter is a string of characters consisting of upper- and lower-case alphanumeric characters with no spaces. You can also include underscores or any of the following characters: =,.@-</p> <p> <code>"Condition": {"Bool": {"aws:MultiFactorAuthPresent": true}}</code> </p>"#;
    let expected = "Returns a set of temporary security credentials. Typically, you use `AssumeRole` within your account. For a comparison, see [Requesting Temporary Security Credentials](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_request.html) in the *IAM User Guide*.

**Permissions**

To allow a user to assume a role in the same account, you can do either of the following:

- Attach a policy to the user that allows the user to call `AssumeRole` (as long as the role's trust policy trusts the account).
- Add the user as a principal directly in the role's trust policy.

**Note:** You cannot use session policies to grant more permissions.

The regex used to validate this parameter is a string of characters consisting of upper- and lower-case alphanumeric characters with no spaces. You can also include underscores or any of the following characters: =,.@-

`\"Condition\": {\"Bool\": {\"aws:MultiFactorAuthPresent\": true}}`";
    assert_eq!(md(html), expected);
}

/// Every `documentation` string of the STS model in this repository (std-only JSON string
/// extraction, so the test does not depend on the model types).
#[test]
fn sts_model_documentation_keeps_invariants() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../model/sts/service-2.json");
    let Ok(json) = std::fs::read_to_string(path) else {
        return;
    };
    let mut count = 0;
    let mut rest = json.as_str();
    while let Some(p) = rest.find("\"documentation\"") {
        rest = rest[p + 15..]
            .trim_start()
            .trim_start_matches(':')
            .trim_start();
        let Some(body) = rest.strip_prefix('"') else {
            continue;
        };
        let (doc, used) = json_string(body);
        rest = &body[used..];
        let out = md(&doc);
        check_invariants(&doc);
        assert!(doc.trim().is_empty() || !out.is_empty(), "{doc:?}");
        count += 1;
    }
    assert!(count > 100, "only {count} documentation strings found");
}

/// Decodes a JSON string body (after the opening quote); returns it and the bytes used
/// including the closing quote.
fn json_string(s: &str) -> (String, usize) {
    let mut out = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return (out, i + 1),
            '\\' => match chars.next().map(|(_, e)| e) {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('b' | 'f') => {}
                Some('u') => {
                    let hex: String = (0..4)
                        .filter_map(|_| chars.next().map(|(_, h)| h))
                        .collect();
                    let unit = u32::from_str_radix(&hex, 16).unwrap_or(0xfffd);
                    out.push(char::from_u32(unit).unwrap_or('\u{fffd}'));
                }
                Some(other) => out.push(other),
                None => break,
            },
            c => out.push(c),
        }
    }
    (out, s.len())
}

// ---- invariants over garbage ------------------------------------------------------------

/// Small deterministic PRNG (xorshift64*), so the fuzz test needs no dependencies.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn check_invariants(input: &str) {
    let out = md(input);
    assert_eq!(out, md(input), "not deterministic for {input:?}");
    assert_eq!(
        out.trim(),
        out,
        "leading/trailing whitespace for {input:?}: {out:?}"
    );
    let mut fence: Option<String> = None;
    let mut blank_run = 0;
    for line in out.lines() {
        assert_eq!(
            line.trim_end(),
            line,
            "trailing whitespace for {input:?}: {out:?}"
        );
        let t = line.trim_start();
        match &fence {
            None => {
                blank_run = if line.is_empty() { blank_run + 1 } else { 0 };
                assert!(blank_run < 2, "double blank line for {input:?}: {out:?}");
                let t = strip_list_markers(t);
                // CommonMark: a backtick fence's info string has no backticks.
                if t.starts_with("```") && !t.trim_start_matches('`').contains('`') {
                    fence = Some(t.trim_end_matches("text").to_owned());
                }
            }
            Some(f) if t == f => fence = None,
            Some(_) => {}
        }
    }
    assert!(fence.is_none(), "unclosed fence for {input:?}: {out:?}");
    assert_no_raw_html(&out, input);
}

/// Outside code, every `<` must open an autolink (rustdoc would see anything else as an
/// HTML tag).
fn assert_no_raw_html(out: &str, input: &str) {
    let mut in_block = None::<String>;
    for line in out.lines() {
        let t = strip_list_markers(line);
        if let Some(f) = &in_block {
            if t == f {
                in_block = None;
            }
            continue;
        }
        if t.starts_with("```") && !t.trim_start_matches('`').contains('`') {
            in_block = Some(t.trim_end_matches("text").to_owned());
            continue;
        }
        let b = t.as_bytes();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'\\' => i += 2,
                b'`' => {
                    let n = b[i..].iter().take_while(|&&c| c == b'`').count();
                    let fence = "`".repeat(n);
                    let mut j = i + n;
                    // Find a closing run of exactly `n` backticks.
                    loop {
                        match t[j..].find(&fence) {
                            Some(p) => {
                                let at = j + p;
                                let run = b[at..].iter().take_while(|&&c| c == b'`').count();
                                if run == n {
                                    i = at + n;
                                    break;
                                }
                                j = at + run;
                            }
                            None => {
                                i += n;
                                break;
                            }
                        }
                    }
                }
                b'<' => {
                    let rest = t[i..].to_ascii_lowercase();
                    let autolink = ["<http://", "<https://", "<ftp://", "<mailto:"]
                        .iter()
                        .any(|p| rest.starts_with(p));
                    assert!(autolink, "raw `<` for {input:?}: {out:?}");
                    i += t[i..].find('>').expect("autolink is closed") + 1;
                }
                _ => i += 1,
            }
        }
    }
}

fn strip_list_markers(mut t: &str) -> &str {
    loop {
        t = t.trim_start();
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        if let Some(rest) = t.strip_prefix("- ") {
            t = rest;
        } else if digits > 0 && t[digits..].starts_with(". ") {
            t = &t[digits + 2..];
        } else {
            return t;
        }
    }
}

const PIECES: &[&str] = &[
    "<p>",
    "</p>",
    "<code>",
    "</code>",
    "<a href=\"https://e.com/x\">",
    "<a href='",
    "</a>",
    "<a>",
    "<i>",
    "</i>",
    "<b>",
    "</b>",
    "<em>",
    "</strong>",
    "<ul>",
    "</ul>",
    "<ol>",
    "</ol>",
    "<li>",
    "</li>",
    "<note>",
    "</note>",
    "<important>",
    "<pre>",
    "</pre>",
    "<br>",
    "<br/>",
    "<dl>",
    "<dt>",
    "<dd>",
    "<table>",
    "<tr>",
    "<td>",
    "<th>",
    "</table>",
    "<h2>",
    "</h2>",
    "<fullname>",
    "<foo>",
    "</foo>",
    "<region>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<",
    ">",
    "</",
    "/>",
    "=",
    "\"",
    "'",
    "&",
    "&lt;",
    "&gt;",
    "&amp;",
    "&#x2014;",
    "&#",
    "&nbsp;",
    "x",
    "word",
    " ",
    "  ",
    "\n",
    "\t",
    "`",
    "``",
    "*",
    "_",
    "[",
    "]",
    "(",
    ")",
    "!",
    "#",
    "-",
    "1.",
    "|",
    "~",
    "\\",
    "https://",
    "e.com",
    ".",
    ",",
    "é",
    "日本",
    "\u{0}",
    "\u{a0}",
    "\r",
];

#[test]
fn fuzz_random_fragments_never_panic_and_keep_invariants() {
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    for _ in 0..3000 {
        let n = rng.below(40);
        let s: String = (0..n).map(|_| PIECES[rng.below(PIECES.len())]).collect();
        check_invariants(&s);
    }
}

#[test]
fn fuzz_random_bytes_never_panic() {
    let mut rng = Rng(42);
    let alphabet: Vec<char> = "<>/=\"'&;#xp ab\n`*_[]!-1.:h".chars().collect();
    for _ in 0..3000 {
        let n = rng.below(60);
        let s: String = (0..n)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        check_invariants(&s);
    }
}

#[test]
fn every_truncation_of_real_markup_is_handled() {
    let html = r#"<p>See <a href="https://docs.aws.amazon.com/x.html">the <i>guide</i></a> &amp; <code>a`b</code>.</p> <note> <p>Note &#x2014; n</p> </note> <ul> <li> <p>item https://e.com/y.</p> <ol><li>x</li></ol> </li> </ul> <pre><code>{ "k": 1 }</code></pre> <table><tr><th>h</th></tr><tr><td>c</td></tr></table> <dl><dt>t</dt><dd>d</dd></dl> a<br>b <region> <!-- c --> <![CDATA[z]]>"#;
    for (i, _) in html.char_indices() {
        check_invariants(&html[..i]);
        check_invariants(&html[i..]);
    }
}
