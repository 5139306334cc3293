//! `cargo xtask check-models`.

pub fn run(_args: &[String]) -> anyhow::Result<()> {
    anyhow::bail!("check-models: not written yet")
}
