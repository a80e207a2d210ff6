## Reliability: what a member is told after a restart, a repeated tap, text that shows nothing

invalid-invisible = Nothing of this would show: use at least one visible letter, digit or sign.

## Long operations a restart cut off (told in the message that showed their progress)
operation-interrupted-import-apply = ⚠️ FarmDesk was restarted before the import of { $file } was applied. Nothing was changed. Apply it again when you are ready.
operation-interrupted-import-read = ⚠️ FarmDesk was restarted while reading { $file }. Nothing was saved. Read it again?
operation-done-import-read = 📋 { $file } has been read. Open the preview to check it and apply it.
open-import-apply = ✅ Apply again
open-import-read = 🔄 Read the file again
open-import-preview = 📋 Open the preview
open-miners = ⛏ Miners

## A second tap on something done already
already-done = ✅ Already done.
already-done-import-apply = ✅ This import was applied already.
conflict-operation-running = ⏳ This is still being done: its result will appear here.
operation-interrupted-miners-edit = ⚠️ FarmDesk was restarted before the change to the miners was saved. Nothing was changed. Open the selection to do it again.
operation-done-miners-edit = ✅ Saved: { $changed ->
    [one] one miner changed.
   *[other] { $changed } miners changed.
}
open-miners-actions = 🛠 Selection

## An export file whose sending a restart cut off, sent again
reliability-export-sent-again = ↩️ Sent again: FarmDesk was restarted while sending this file, so you may have it twice.
