//! A worker's lease on the campaign: a row in `wasphere_workers` whose `lease_until` a
//! heartbeat pushes forward. Every claim and every `sending` mark checks the lease by the
//! database's clock, so the workers' own clocks do not matter; once a lease has expired it
//! stays expired, and the rows it held belong to the others.

use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio_postgres::Client;

/// How often the heartbeat renews a lease of `lease`: three times per lease, so two missed
/// beats in a row still leave it alive.
fn beat_every(lease: Duration) -> Duration {
    (lease / 3).max(Duration::from_millis(50))
}

/// The lease as PostgreSQL adds it to `now()`: milliseconds.
pub(super) fn lease_ms(lease: Duration) -> f64 {
    lease.as_secs_f64() * 1000.0
}

/// Registers worker `id` with a lease of `lease` from now.
pub(super) async fn register(
    client: &Client,
    id: i64,
    lease: Duration,
) -> Result<(), tokio_postgres::Error> {
    let pid = i32::try_from(std::process::id()).unwrap_or(i32::MAX);
    client
        .execute(
            "INSERT INTO wasphere_workers (id, host, pid, lease_until)
             VALUES ($1, $2, $3, now() + $4::float8 * interval '1 millisecond')",
            &[&id, &host_name(), &pid, &lease_ms(lease)],
        )
        .await?;
    Ok(())
}

/// Renews worker `id`'s lease every third of `lease` until dropped. A lease that expired
/// meanwhile (the process was stopped, or cut off from the database, for longer than the
/// lease) is not revived: the next mark refuses to send.
pub(super) fn heartbeat(client: Arc<Client>, id: i64, lease: Duration) -> Heartbeat {
    let task = tokio::spawn(async move {
        let mut tick = tokio::time::interval(beat_every(lease));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let renewed = client
                .execute(
                    "UPDATE wasphere_workers SET lease_until = now() + $2::float8 * interval '1 millisecond'
                     WHERE id = $1 AND lease_until > now()",
                    &[&id, &lease_ms(lease)],
                )
                .await;
            match renewed {
                Ok(1) => reap_the_dead(&client, id).await,
                Ok(_) => {
                    tracing::warn!(
                        worker = id,
                        "the campaign lease expired; this worker sends no more rows"
                    );
                    return;
                }
                Err(e) => {
                    tracing::warn!(worker = id, error = %super::describe(&e), "could not renew the campaign lease");
                }
            }
        }
    });
    Heartbeat(task)
}

/// Turns the `sending` rows of workers whose lease expired into `unknown`, at every beat
/// of every live worker: a dead worker's rows in flight are marked within a third of a
/// lease of its expiry, even while the others are busy (they look for them too when
/// nothing is left to claim). A failure is logged and left to the next beat.
async fn reap_the_dead(client: &Client, id: i64) {
    match super::statements::reap(client, None).await {
        Ok(0) => {}
        Ok(rows) => tracing::info!(
            worker = id,
            rows,
            "rows in flight in workers whose lease expired are now unknown"
        ),
        Err(e) => {
            tracing::warn!(worker = id, error = %super::describe(&e), "could not look for expired workers' rows");
        }
    }
}

/// The heartbeat task; stopped on drop.
#[derive(Debug)]
pub(super) struct Heartbeat(JoinHandle<()>);

impl Drop for Heartbeat {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// This machine's name, for people reading `wasphere_workers`.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}
