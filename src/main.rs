use clap::Parser;
use lifeboat::cli::{run, Cli, EXIT_ERROR};
use lifeboat::redact::redact;

// A diff allocates a few small strings per cell on two threads at once;
// mimalloc measured markedly faster than the system allocator there
// (docs/PERFORMANCE.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let _ = lifeboat::console::run::STARTED.set(std::time::Instant::now());
    let cli = Cli::parse();
    let log = lifeboat::logging::init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("lifeboat: error: cannot start the async runtime: {e}");
            std::process::exit(EXIT_ERROR);
        }
    };
    let code = match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            let message = redact(&e.to_string());
            tracing::error!("{message}");
            eprintln!("lifeboat: error: {}", lifeboat::report::visible(&message));
            EXIT_ERROR
        }
    };
    drop(runtime);
    drop(log); // flush the log file before exit skips destructors
    std::process::exit(code);
}
