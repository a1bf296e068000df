fn main() -> std::process::ExitCode {
    scopecheck::cli::main()
}
