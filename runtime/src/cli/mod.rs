//! Support for generated command-line tools (feature `cli`).
//!
//! A generated crate's command line (`generated/<service>/cli`) is model data and per-operation
//! code: one subcommand per operation, options from the input members, help from the docs, JSON
//! writers for the outputs. Everything that does not vary by service lives here: the program's
//! main loop ([`main`]), argument splitting and value helpers ([`args`]), how a run ends
//! ([`Exit`]), and the [`CliExtension`] trait through which a hand-written crate adds
//! service-specific commands, options and output formats without the generated code knowing
//! their names.

pub mod args;
mod exit;

use std::process::ExitCode;

pub use exit::{sdk_error, Exit};

use crate::client::ClientConfig;

/// The arguments after an operation's name: each option with the values that followed it.
pub type Flags = Vec<(String, Vec<String>)>;

/// Options that are not input members (`--endpoint-url`, `--region`, `--profile`, `--output`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Globals {
    /// `--endpoint-url`.
    pub endpoint_url: Option<String>,
    /// `--region`.
    pub region: Option<String>,
    /// `--profile`.
    pub profile: Option<String>,
    /// `--output`.
    pub output: Option<String>,
    /// The extension's value-less options that were given (`--no-cache`), in order.
    pub switches: Vec<String>,
    /// The value-less options the extension accepts ([`CliExtension::switches`]).
    pub allowed_switches: &'static [&'static str],
}

/// The names of the global options, for messages.
pub const GLOBAL_OPTIONS: &str = "--endpoint-url, --region, --profile, --output";

impl Globals {
    /// Takes a global option; anything else is an unknown option (of `operation`, when given).
    ///
    /// # Errors
    /// An unknown option, a global option without exactly one value, or a switch with one.
    pub fn set(
        &mut self,
        program: &str,
        operation: Option<&str>,
        flag: &str,
        values: Vec<String>,
    ) -> Result<(), Exit> {
        if self.allowed_switches.contains(&flag) {
            if let Some(value) = values.first() {
                return Err(Exit::Usage(format!(
                    "{flag} takes no value (got `{value}`)"
                )));
            }
            self.switches.push(flag.to_owned());
            return Ok(());
        }
        let slot = match flag {
            "--endpoint-url" => &mut self.endpoint_url,
            "--region" => &mut self.region,
            "--profile" => &mut self.profile,
            "--output" => &mut self.output,
            _ => {
                return Err(Exit::Usage(match operation {
                    Some(op) => format!("unknown option `{flag}` for `{op}` (run `{program} {op} --help` to list its options)"),
                    None => format!("unknown global option `{flag}` (global options: {GLOBAL_OPTIONS})"),
                }))
            }
        };
        *slot = Some(args::single(flag, values)?);
        Ok(())
    }
}

/// What the generated command line knows of one operation.
#[derive(Debug, Clone, Copy)]
pub struct OperationInfo {
    /// The subcommand (`assume-role`).
    pub command: &'static str,
    /// The operation's wire name (`AssumeRole`).
    pub operation: &'static str,
    /// The wire names of the output's top-level members (empty without an output).
    pub output_members: &'static [&'static str],
    /// `<command> --help`.
    pub help: &'static str,
}

/// A generated command line: its help and its operations.
#[derive(Debug, Clone, Copy)]
pub struct Program {
    /// The program name in messages (`sts`).
    pub name: &'static str,
    /// The model's `serviceId`, for reading configuration from the environment.
    pub service_id: &'static str,
    /// `--help`, before the extension's part.
    pub help: &'static str,
    /// The operations, sorted by command.
    pub operations: &'static [OperationInfo],
    /// Runs the operation at `index` of [`operations`](Self::operations).
    pub run: fn(&Invocation<'_>, usize, Globals, Flags) -> Result<(), Exit>,
}

impl Program {
    /// The operation whose subcommand is `command`.
    pub fn operation(&self, command: &str) -> Option<usize> {
        self.operations
            .binary_search_by(|op| op.command.cmp(command))
            .ok()
    }

    /// The usage line.
    pub fn usage(&self) -> String {
        format!(
            "usage: {} [global options] <operation> [--<option> VALUE]...\n",
            self.name
        )
    }
}

/// What a hand-written crate adds to a generated command line.
///
/// The generated code calls these at fixed points: to build the client configuration, before
/// and after each operation (for output formats other than JSON), for `--help`, and for a
/// subcommand that is not an operation. Every method has a default that keeps the generated
/// behaviour: configuration from the environment, JSON output, no extra commands.
pub trait CliExtension {
    /// Value-less global options the extension reads from [`Globals::switches`] (such as
    /// `--no-cache`); they may come before the command or among its options.
    fn switches(&self) -> &'static [&'static str] {
        &[]
    }

    /// Text appended to the program's `--help` (commands and formats the extension adds).
    fn help(&self) -> &str {
        ""
    }

    /// The help of an extension command; `None` when `command` is not one.
    fn command_help(&self, command: &str) -> Option<&str> {
        let _ = command;
        None
    }

    /// Runs an extension command; `None` when `command` is not one. `args` are the arguments
    /// after the command, as given (global options among them are the command's to read;
    /// [`args::split_flags`] splits options from their values).
    fn command(
        &self,
        program: &Program,
        command: &str,
        globals: &Globals,
        args: &[String],
    ) -> Option<Result<(), Exit>> {
        let _ = (program, command, globals, args);
        None
    }

    /// The client configuration for `globals` (credentials included). The default reads the
    /// environment only and refuses `--profile`.
    ///
    /// # Errors
    /// A setting that cannot be read, or an option the extension does not support.
    fn config(&self, program: &Program, globals: &Globals) -> Result<ClientConfig, Exit> {
        if let Some(profile) = &globals.profile {
            return Err(Exit::Usage(format!(
                "--profile {profile}: this command line reads credentials from the environment only \
                 (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN)"
            )));
        }
        let mut config = ClientConfig::from_env(program.service_id)
            .map_err(|e| Exit::Failed(format!("configuration: {e}")))?;
        config.credentials = Some(std::sync::Arc::new(
            crate::credentials::EnvironmentCredentials,
        ));
        Ok(apply_globals(config, globals))
    }

    /// Checks `--output` before `operation` is sent. The default accepts `json` only.
    ///
    /// # Errors
    /// A format the operation cannot be printed in.
    fn check_output(&self, operation: &OperationInfo, globals: &Globals) -> Result<(), Exit> {
        let _ = operation;
        match globals.output.as_deref() {
            None | Some("json") => Ok(()),
            Some(other) => Err(Exit::Usage(format!(
                "--output {other}: only json is supported"
            ))),
        }
    }

    /// Prints an operation's output in the `--output` format, given its JSON; `Ok(false)` when
    /// the generated code should print the JSON itself (the default).
    ///
    /// # Errors
    /// An output that cannot be printed in the format.
    fn print_output(
        &self,
        operation: &OperationInfo,
        globals: &Globals,
        json: &str,
    ) -> Result<bool, Exit> {
        let _ = (operation, globals, json);
        Ok(false)
    }
}

/// The generated behaviour only: configuration from the environment, JSON output.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoExtension;

impl CliExtension for NoExtension {
    fn help(&self) -> &str {
        "\nCredentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.\n"
    }
}

/// `--region` and `--endpoint-url` over a configuration.
pub fn apply_globals(mut config: ClientConfig, globals: &Globals) -> ClientConfig {
    if let Some(region) = &globals.region {
        config.region = Some(region.clone());
    }
    if let Some(url) = &globals.endpoint_url {
        config.endpoint_url = Some(url.clone());
    }
    config
}

/// One run of a program: what generated operation code calls back into.
pub struct Invocation<'a> {
    /// The program.
    pub program: &'a Program,
    /// The extension.
    pub extension: &'a dyn CliExtension,
}

impl Invocation<'_> {
    /// The client configuration for `globals`, from the extension.
    ///
    /// # Errors
    /// As [`CliExtension::config`].
    pub fn config(&self, globals: &Globals) -> Result<ClientConfig, Exit> {
        self.extension.config(self.program, globals)
    }

    /// Sends an operation and prints its output: checks `--output`, runs `send` on a
    /// current-thread runtime, maps a failure to its [`Exit`] (with a hint when no region is
    /// set), and prints the output's JSON (written by `write`) unless the extension printed it.
    ///
    /// # Errors
    /// A rejected `--output`, a failed operation or an output the extension cannot print.
    pub fn send<O, E, F>(
        &self,
        index: usize,
        globals: &Globals,
        config: &ClientConfig,
        send: F,
        write: fn(&mut crate::json::JsonWriter, &O),
    ) -> Result<(), Exit>
    where
        F: std::future::Future<Output = Result<O, crate::error::SdkError<E>>>,
        E: crate::client::ServiceError + std::fmt::Display,
    {
        let operation = &self.program.operations[index];
        self.extension.check_output(operation, globals)?;
        let output = block_on(send)?.map_err(|e| sdk_error(e, config))?;
        let mut w = crate::json::JsonWriter::pretty();
        write(&mut w, &output);
        let json = w.finish();
        if !self.extension.print_output(operation, globals, &json)? {
            println!("{json}");
        }
        Ok(())
    }
}

impl Invocation<'_> {
    /// [`send`](Self::send) for an operation without output: nothing is printed on success.
    ///
    /// # Errors
    /// A rejected `--output` or a failed operation.
    pub fn send_without_output<O, E, F>(
        &self,
        index: usize,
        globals: &Globals,
        config: &ClientConfig,
        send: F,
    ) -> Result<(), Exit>
    where
        F: std::future::Future<Output = Result<O, crate::error::SdkError<E>>>,
        E: crate::client::ServiceError + std::fmt::Display,
    {
        self.extension
            .check_output(&self.program.operations[index], globals)?;
        block_on(send)?.map_err(|e| sdk_error(e, config))?;
        Ok(())
    }
}

/// Runs a future on a current-thread runtime.
///
/// # Errors
/// When the runtime cannot be started.
pub fn block_on<F: std::future::Future>(future: F) -> Result<F::Output, Exit> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Exit::Failed(format!("could not start the async runtime: {e}")))?;
    Ok(runtime.block_on(future))
}

/// The program's entry point: reads the process arguments, runs, prints how it ended and
/// returns the exit status (0 success, 1 failure, 2 usage).
pub fn main(program: &Program, extension: &dyn CliExtension) -> ExitCode {
    let mut args = Vec::new();
    for arg in std::env::args_os().skip(1) {
        match arg.into_string() {
            Ok(arg) => args.push(arg),
            Err(arg) => {
                return Exit::Usage(format!("argument {arg:?} is not valid UTF-8")).report()
            }
        }
    }
    match run(program, extension, args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(exit) => exit.report(),
    }
}

/// Parses the global options and the command, then runs an operation or an extension command.
///
/// # Errors
/// How the run ends when it does not succeed.
pub fn run(program: &Program, extension: &dyn CliExtension, args: Vec<String>) -> Result<(), Exit> {
    let name = program.name;
    let mut globals = Globals {
        allowed_switches: extension.switches(),
        ..Globals::default()
    };
    let mut args = args.into_iter();
    let command = loop {
        let Some(arg) = args.next() else {
            return Err(Exit::Usage(format!(
                "no operation given\n{}(run `{name} --help` to list the operations)",
                program.usage()
            )));
        };
        if arg == "--help" || arg == "-h" || arg == "help" {
            print!("{}{}", program.help, extension.help());
            return Ok(());
        }
        if !arg.starts_with("--") {
            break arg;
        }
        if globals.allowed_switches.contains(&arg.as_str()) {
            globals.set(name, None, &arg, Vec::new())?;
            continue;
        }
        let (flag, value) = match arg.split_once('=') {
            Some((flag, value)) => (flag.to_owned(), value.to_owned()),
            None => {
                let value = args
                    .next()
                    .ok_or_else(|| Exit::Usage(format!("{arg} needs a value")))?;
                (arg, value)
            }
        };
        globals.set(name, None, &flag, vec![value])?;
    };
    let rest: Vec<String> = args.collect();
    let unknown = || {
        Exit::Usage(format!(
            "unknown operation `{command}` (run `{name} --help` to list the operations)"
        ))
    };
    match program.operation(&command) {
        Some(index) => {
            let flags = args::split_flags(rest)?;
            if flags.iter().any(|(flag, _)| flag == "--help") {
                print!("{}", program.operations[index].help);
                return Ok(());
            }
            (program.run)(&Invocation { program, extension }, index, globals, flags)
        }
        None if rest.iter().any(|a| a == "--help" || a == "-h") => {
            print!("{}", extension.command_help(&command).ok_or_else(unknown)?);
            Ok(())
        }
        None => extension
            .command(program, &command, &globals, &rest)
            .unwrap_or_else(|| Err(unknown())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static OPS: [OperationInfo; 2] = [
        OperationInfo {
            command: "do-a",
            operation: "DoA",
            output_members: &["X"],
            help: "help of do-a\n",
        },
        OperationInfo {
            command: "do-b",
            operation: "DoB",
            output_members: &[],
            help: "help of do-b\n",
        },
    ];

    fn run_op(
        _: &Invocation<'_>,
        index: usize,
        globals: Globals,
        flags: Flags,
    ) -> Result<(), Exit> {
        Err(Exit::Failed(format!(
            "ran {index} region={:?} flags={flags:?}",
            globals.region
        )))
    }

    const PROGRAM: Program = Program {
        name: "svc",
        service_id: "SVC",
        help: "top\n",
        operations: &OPS,
        run: run_op,
    };

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn dispatches_operations_with_globals_before_and_after() {
        let Err(Exit::Failed(m)) = run(
            &PROGRAM,
            &NoExtension,
            args(&["--region", "eu-west-1", "do-b", "--x", "1"]),
        ) else {
            panic!("the operation runs")
        };
        assert_eq!(
            m,
            "ran 1 region=Some(\"eu-west-1\") flags=[(\"--x\", [\"1\"])]"
        );
        assert!(
            matches!(run(&PROGRAM, &NoExtension, args(&["nope"])), Err(Exit::Usage(m)) if m.contains("unknown operation `nope`"))
        );
        assert!(
            matches!(run(&PROGRAM, &NoExtension, args(&[])), Err(Exit::Usage(m)) if m.starts_with("no operation given"))
        );
        assert!(
            matches!(run(&PROGRAM, &NoExtension, args(&["--bogus", "1", "do-a"])), Err(Exit::Usage(m)) if m.contains("unknown global option `--bogus`"))
        );
        assert!(
            matches!(run(&PROGRAM, &NoExtension, args(&["--region"])), Err(Exit::Usage(m)) if m == "--region needs a value")
        );
    }

    struct Ext;
    impl CliExtension for Ext {
        fn command_help(&self, command: &str) -> Option<&str> {
            (command == "extra").then_some("help of extra\n")
        }
        fn command(
            &self,
            _: &Program,
            command: &str,
            globals: &Globals,
            args: &[String],
        ) -> Option<Result<(), Exit>> {
            (command == "extra").then(|| {
                Err(Exit::Failed(format!(
                    "extra {:?} {args:?}",
                    globals.profile
                )))
            })
        }
    }

    #[test]
    fn extension_commands_run_when_no_operation_matches() {
        let Err(Exit::Failed(m)) = run(
            &PROGRAM,
            &Ext,
            args(&["--profile", "p", "extra", "file", "--y"]),
        ) else {
            panic!("extra runs")
        };
        assert_eq!(m, "extra Some(\"p\") [\"file\", \"--y\"]");
        assert!(run(&PROGRAM, &Ext, args(&["extra", "--help"])).is_ok());
        assert!(matches!(
            run(&PROGRAM, &Ext, args(&["other", "--help"])),
            Err(Exit::Usage(_))
        ));
        assert_eq!(PROGRAM.operation("do-b"), Some(1));
        assert_eq!(PROGRAM.operation("do-c"), None);
    }

    #[test]
    fn the_default_extension_refuses_profiles_and_other_formats() {
        let g = Globals {
            profile: Some("dev".into()),
            ..Default::default()
        };
        assert!(
            matches!(NoExtension.config(&PROGRAM, &g), Err(Exit::Usage(m)) if m.contains("--profile dev"))
        );
        let g = Globals {
            output: Some("env".into()),
            ..Default::default()
        };
        assert!(
            matches!(NoExtension.check_output(&OPS[0], &g), Err(Exit::Usage(m)) if m.contains("--output env"))
        );
        assert!(NoExtension
            .check_output(&OPS[0], &Globals::default())
            .is_ok());
    }
}
