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
