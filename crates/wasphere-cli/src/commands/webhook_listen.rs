//! `wasphere webhook listen`: verify every delivery to a local address and print each
//! authentic event as one line of JSON.

use crate::cli::WebhookListenArgs;
use crate::failure::Failure;
use crate::output::Output;
use crate::webhook_receiver::{self, Delivery};
use crate::{secret_source, shutdown};

/// Serves until Ctrl-C, SIGTERM, or `--count` verified events.
pub(crate) fn run(args: &WebhookListenArgs, out: &Output) -> Result<(), Failure> {
    let secret = secret_source::load(&args.secret)?;
    super::runtime(false)?.block_on(async {
        let mut receiver = webhook_receiver::start(args.addr, secret).await?;
        out.status(&format!("listening on http://{}", receiver.addr));
        let mut verified = 0u64;
        let stop = shutdown::signal();
        tokio::pin!(stop);
        loop {
            tokio::select! {
                () = &mut stop => break,
                delivery = receiver.deliveries.recv() => match delivery {
                    Some(Delivery::Verified { line, .. }) => {
                        out.line(&line);
                        verified += 1;
                        if args.count.is_some_and(|n| verified >= n) {
                            break;
                        }
                    }
                    Some(Delivery::Refused { peer, reason }) => {
                        out.warning(&format!("refused a delivery from {peer}: {reason}"));
                    }
                    None => break,
                },
            }
        }
        receiver.stop().await
    })
}
