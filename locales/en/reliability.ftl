## Reliability: what a member is told after a restart, a repeated tap, text that shows nothing

invalid-invisible = Nothing of this would show: use at least one visible letter, digit or sign.
