//! Background work for the Health screen: `lifeboat check` on the live
//! database against the backup, the same library call as the CLI. Reads
//! only; Esc aborts it between statements.

use super::{send, Work};
use crate::check::{check, CheckOptions};
use crate::console::app::health::lines_of;
use crate::console::app::Msg;

impl Work {
    pub(super) fn check_health(&mut self, generation: u64) {
        self.cancel_health();
        let Some(live) = self.live.clone() else {
            let error = "read-only: there is no live database to check".to_owned();
            send(
                &self.tx,
                Msg::HealthChecked {
                    generation,
                    result: Err(error),
                },
            );
            return;
        };
        let (backup, tx) = (self.backup(), self.tx.clone());
        self.health = Some(tokio::spawn(async move {
            let result = check(&live.1, Some(&backup), &CheckOptions::default())
                .await
                .map(|report| lines_of(&report))
                .map_err(|e| e.to_string());
            send(&tx, Msg::HealthChecked { generation, result });
        }));
    }

    pub(super) fn cancel_health(&mut self) {
        if let Some(task) = self.health.take() {
            task.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    //! The edge for real: the bundled demo's SQLite database and backup,
    //! the check run by `Work`, its answer read off the channel.
    use super::*;
    use crate::backup::Backup;
    use crate::console::app::Effect;
    use crate::live::{DbUrl, LiveDb, LiveOptions};
    use std::sync::Arc;
    use std::time::Duration;
    use tokio::sync::mpsc::unbounded_channel;

    async fn demo_work(
        dir: &std::path::Path,
    ) -> (
        Work,
        tokio::sync::mpsc::UnboundedReceiver<crate::console::run::Envelope>,
    ) {
        let demo = crate::demo::build(dir).await.expect("demo");
        let url = DbUrl::parse(&demo.live_db.display().to_string()).expect("url");
        let live = LiveDb::connect(&url, &LiveOptions::default())
            .await
            .expect("live");
        let backup = Backup::open(&demo.backup_dir).expect("backup");
        let (tx, rx) = unbounded_channel();
        let work = Work::new(Some(Arc::new((url, live))), Arc::new(backup), None, tx);
        (work, rx)
    }

    #[tokio::test]
    async fn the_check_answers_with_its_generation_and_the_report() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (mut work, mut rx) = demo_work(dir.path()).await;
        work.apply(Effect::CheckHealth { generation: 7 });
        let answer = tokio::time::timeout(Duration::from_secs(60), rx.recv())
            .await
            .expect("answered in time")
            .expect("a message");
        let Msg::HealthChecked { generation, result } = answer.msg else {
            panic!("not a health answer: {:?}", answer.msg)
        };
        assert_eq!(generation, 7);
        let checked = result.expect("the check ran");
        // The demo lacks auth_configs and four projects columns.
        assert_eq!(checked.problems, 5, "{:?}", checked.lines);
        assert!(checked
            .lines
            .iter()
            .any(|l| l.text == "Columns in the backup missing live (4)"));
        assert!(checked
            .lines
            .iter()
            .any(|l| l.text == "Tables in the backup missing live (1)"));
    }

    #[tokio::test]
    async fn a_cancelled_check_never_answers() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (mut work, mut rx) = demo_work(dir.path()).await;
        // On this single-threaded runtime the task cannot start before the
        // cancel: it is aborted before it reads anything.
        work.apply(Effect::CheckHealth { generation: 1 });
        work.apply(Effect::CancelHealth);
        let answer = tokio::time::timeout(Duration::from_secs(2), rx.recv()).await;
        if let Ok(Some(e)) = answer {
            panic!("a cancelled check answered: {:?}", e.msg);
        }
    }
}
