//! The compiled pattern programs, run by the runtime's matcher, agree with regex-lite (the
//! engine whose dialect the generator accepts) on every pattern of the vendored STS model, the
//! partitions' region regexes and a sample of patterns from other awsQuery models.

use codegen::pattern::{compile, Program, ProgramBuf};

/// The program the runtime runs (`stsgen_runtime::validate::pattern` re-exports the matcher
/// from `stsgen-vocab`).
fn runtime_program(p: &ProgramBuf) -> Program<'_> {
    p.program()
}

const ALPHABET: &[char] = &[
    'a',
    'z',
    'Q',
    '0',
    '9',
    '_',
    '-',
    '.',
    ':',
    '/',
    ' ',
    '+',
    '=',
    '@',
    ',',
    '*',
    '\n',
    '\t',
    'é',
    'ü',
    '中',
    '\u{7f}',
    '\u{85}',
    '\u{10000}',
    'n',
    'e',
    'u',
    's',
    '1',
    '2',
];

/// Deterministic strings: every string up to length 2 over the alphabet, then random ones.
fn samples() -> Vec<String> {
    let mut out = vec![String::new()];
    for &a in ALPHABET {
        out.push(a.to_string());
        for &b in ALPHABET {
            out.push(format!("{a}{b}"));
        }
    }
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..4000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let len = (state % 14) as usize;
        let s: String = (0..len)
            .map(|i| ALPHABET[((state >> (i * 4)) as usize + i * 7) % ALPHABET.len()])
            .collect();
        out.push(s);
    }
    out
}

fn model_patterns() -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let model: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("model/sts/service-2.json")).unwrap(),
    )
    .unwrap();
    let mut out: Vec<String> = model["shapes"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(|s| s["pattern"].as_str().map(str::to_owned))
        .collect();
    let partitions: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("model/partitions.json")).unwrap())
            .unwrap();
    for p in partitions["partitions"].as_array().unwrap() {
        out.push(p["regionRegex"].as_str().unwrap().to_owned());
    }
    out
}

/// A sample of patterns from IAM, RDS, CloudFormation, Redshift, SNS, EC2 and others.
const OTHER_MODELS: &[&str] = &[
    r"[\u0009\u000A\u000D\u0020-\u00FF]+",
    r"[A-Za-z][0-9A-Za-z-:._]*",
    r"[a-zA-Z](?:-?[a-zA-Z0-9]+)*",
    r"[\s\S]+",
    r".*\S.*",
    r"[a-z](?:-?[a-z0-9]+){0,15}",
    r"(s3://|http(s?)://).+",
    r"^[0-9]{12}$",
    r"arn:aws[a-z\-]*:rds(-[a-z]+)?:[a-z0-9-]*:[0-9]{12}:(cluster|db):[a-zA-Z][a-zA-Z0-9-]{0,62}",
    r"([a-zA-Z][-a-zA-Z0-9]*)|(arn:\b(aws|aws-us-gov|aws-cn)\b:[-a-zA-Z0-9:/._+]*)",
    r"^(\+[0-9]{8,}|[0-9]{0,9})$",
    r"\s*[a-z*][a-z0-9_]*\*?\s*(,\s*[a-z*][a-z0-9_]*\*?\s*)*",
    r"[^_]*",
    r"^\S{1,128}$",
    r"[a-zA-Z0-9_ \x22\\\-$,*.:?+\/]*",
    r"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)",
    r"^http(s?)://[a-zA-Z0-9._/-]*(\?[a-zA-Z0-9._=&-]*)?(#[a-zA-Z0-9._/-]*)?$",
    r"\Ba\B|z\b",
    r"[\W\D]?[^\w\s]*",
];

#[test]
fn compiled_programs_agree_with_regex_lite() {
    let samples = samples();
    let mut checked = 0;
    for pattern in model_patterns()
        .iter()
        .map(String::as_str)
        .chain(OTHER_MODELS.iter().copied())
    {
        let Some(program) = compile(pattern) else {
            assert!(
                regex_lite::Regex::new(pattern).is_err() || pattern.contains("\\p"),
                "`{pattern}` compiles with regex-lite but not to a program"
            );
            continue;
        };
        let vm = runtime_program(&program);
        let re = regex_lite::Regex::new(&format!("^(?:{pattern})$")).unwrap();
        for s in &samples {
            assert_eq!(
                vm.is_match(s),
                re.is_match(s),
                "pattern `{pattern}` on {s:?}"
            );
        }
        checked += 1;
    }
    assert!(
        checked >= OTHER_MODELS.len(),
        "only {checked} patterns compiled"
    );
}
