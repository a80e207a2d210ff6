## Telemetry: live statuses, the miner card, Reboot, 24-hour charts, settings

perm-miners-control = Reboot miners

telemetry-open-miner = 🔎 { $n }
telemetry-card-title = ⛏ <b>{ $model }</b> · #{ $id }
telemetry-card-status = { $status } · since { $since }
telemetry-card-pending = ⏳ The latest reading says { $status }: taken if the next one agrees.
telemetry-card-ip = 🌐 IP { $ip }
telemetry-card-location = 📍 { $location }
telemetry-card-ids = 🔖 Serial { $serial } · MAC { $mac }
telemetry-card-client = 👤 { $client } · { $paid }
telemetry-card-no-client = 👤 No client · { $paid }
telemetry-card-hashrate = ⚡ Hashrate { $now } now · { $expected } expected · { $avg } 24 h average
telemetry-card-thermal = 🌡 Hottest board { $temp } °C · 🌀 fans { $fans } rpm
telemetry-card-watts-reported = 🔌 { $watts } W, reported by the miner
telemetry-card-watts-nominal = 🔌 { $watts } W, nominal (the miner reports no power)
telemetry-card-watts-none = 🔌 Power unknown: not reported, no nominal power
telemetry-card-uptime = ⏱ Uptime { $uptime }
telemetry-card-pool = 🏊 { $url } · { $user } { $state }
telemetry-card-firmware = 💾 { $make } { $model } · firmware { $firmware }
telemetry-card-errors = ⚠️ { $errors }
telemetry-card-seen = 👁 Last seen { $seen } · polled { $polled }
telemetry-card-never-seen = 👁 Has not answered yet · polled { $polled }
telemetry-card-not-polled = 👁 Not polled yet.
telemetry-card-no-ip = 👁 No IP address: this miner cannot be polled.
telemetry-card-off = 📡 Telemetry is off (Settings): the status is as imported or set by hand.
telemetry-card-tasks = 📋 Open tasks: { $tasks }
telemetry-uptime-days = { $days } d { $hours } h
telemetry-uptime-hours = { $hours } h { $minutes } min
telemetry-uptime-minutes = { $minutes } min

telemetry-refresh = 🔄 Refresh now
telemetry-refreshed = Read just now.
telemetry-chart = 📈 24 h chart
telemetry-client-chart = 📈 24 h chart of the miners
telemetry-create-task = 📋 Create task
telemetry-reboot = 🔁 Reboot
telemetry-reboot-ask = <b>Reboot { $miner }?</b>
    It stops hashing for a few minutes while it restarts. The reboot is logged.
telemetry-reboot-confirm = ✅ Reboot
telemetry-reboot-sent = ✅ Reboot sent to { $miner }. It is back in a few minutes: tap “Refresh now” to see it.
telemetry-reboot-unsupported = ⚠️ The firmware of { $miner } offers no reboot through its API. Nothing was sent.
telemetry-reboot-unreachable = ⚠️ { $miner } does not answer. Nothing was sent.
telemetry-reboot-failed = ❌ { $miner } refused or failed the reboot. Check that its API allows control commands and the miner password (MINER_PASSWORD).

telemetry-chart-caption = 📈 { $name } · last 24 hours
telemetry-fleet-caption = 📈 { $name } · last 24 hours. Now { $rate }, { $up } of { $count } miners hashing.
telemetry-chart-subtitle = Hashrate, last 24 hours ({ $zone })
telemetry-chart-hashrate = Hashrate
telemetry-chart-up = Miners hashing
telemetry-chart-polled = Miners polled
telemetry-chart-no-data = No readings in the last 24 hours

telemetry-settings-button = 📡 Telemetry
telemetry-settings =
    <b>📡 Telemetry</b>
    Polling the miners: { $state }, { $interval }.
    Lowhash: below { $pct } % of the hashrate a miner expects of itself.
    A status changes only when two polls in a row agree. Switched off, statuses stay as imported or set by hand.
telemetry-every-minutes = every { $minutes ->
        [one] minute
       *[other] { $minutes } minutes
    }
telemetry-turn-off = ⏸ Switch telemetry off
telemetry-turn-on = ▶️ Switch telemetry on
telemetry-interval-button = ⏲ Interval
telemetry-lowhash-button = 🟡 Lowhash threshold
telemetry-ask-interval = How often should FarmDesk poll the miners?
telemetry-ask-lowhash = Below what share of its expected hashrate is a miner Lowhash? Choose, or send a whole number from 50 to 99.

field-telemetry = 📡 Telemetry
field-telemetry-interval-s = ⏲ Poll interval, s
field-lowhash-pct = 🟡 Lowhash threshold, %
log-miner-reboot-sent = 🔁 Miner rebooted
log-miner-reboot-unsupported = 🔁 Miner reboot: not offered by its firmware
log-miner-reboot-unreachable = 🔁 Miner reboot: the miner did not answer
log-miner-reboot-failed = 🔁 Miner reboot failed
invalid-telemetry-interval-s-unknown = Choose one of the intervals offered.
invalid-telemetry-interval-s-format = Choose one of the intervals offered.
invalid-lowhash-pct-format = Send a whole number, for example 90.
invalid-lowhash-pct-range = The threshold must be from { $min } to { $max } %.
conflict-telemetry-off = Telemetry is switched off in Settings, so the miner is not read.
conflict-miner-no-ip = This miner has no IP address.
conflict-miner-not-polled = { $ip } is outside the networks FarmDesk may poll (TELEMETRY_NETWORKS).
