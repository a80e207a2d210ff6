## Alerts: miner problems and events routed to members, actions on the message, the Alerts area,
## Settings → Notifications

alert-menu = 🚨 Alerts
alert-settings-button = 🔔 Notifications

alert-message =
    { $icon } <b>{ $title }</b> · { $what }
    { $names }{ $more }
    🕒 since { $since } · alert #{ $id }{ $state }
alert-facility = Facility incident
alert-no-client = Miners without a client
alert-what-offline = { $count ->
    [one] 1 miner offline
   *[other] { $count } miners offline
}
alert-what-hanged = { $count ->
    [one] 1 miner hanged
   *[other] { $count } miners hanged
}
alert-what-lowhash = { $count ->
    [one] 1 miner on low hashrate
   *[other] { $count } miners on low hashrate
}
alert-what-hot = { $count ->
    [one] 1 miner running hot
   *[other] { $count } miners running hot
}
alert-what-incident = { $count ->
    [one] 1 miner went offline at once: power or network?
   *[other] { $count } miners went offline at once: power or network?
}
alert-more = { $count ->
    [one] {" "}and 1 more
   *[other] {" "}and { $count } more
}
alert-more-clients = { $count ->
    [one] … and 1 more client
   *[other] … and { $count } more clients
}
alert-state-resolved = {"\u000A"}✅ Resolved at { $at }
alert-state-acknowledged = {"\u000A"}✋ Taken by { $name } at { $at }
alert-state-snoozed = {"\u000A"}💤 Snoozed by { $name } until { $until }
alert-state-back = { $count ->
    [one] {"\u000A"}🔁 1 is back
   *[other] {"\u000A"}🔁 { $count } are back
}
alert-recovered = ✅ <b>{ $title }</b> · { $what } (alert #{ $id }, open { $duration })
alert-back-offline = { $count ->
    [one] 1 miner back online
   *[other] { $count } miners back online
}
alert-back-hanged = { $count ->
    [one] 1 miner hashing again
   *[other] { $count } miners hashing again
}
alert-back-lowhash = { $count ->
    [one] 1 miner back to full hashrate
   *[other] { $count } miners back to full hashrate
}
alert-back-hot = { $count ->
    [one] 1 miner cooled down
   *[other] { $count } miners cooled down
}
alert-back-incident = { $count ->
    [one] the outage is over: 1 miner was hit
   *[other] the outage is over: { $count } miners were hit
}
alert-duration = { $hours ->
    [0] { $minutes } min
   *[other] { $hours } h { $minutes } min
}

alert-button-ack = ✋ Acknowledge
alert-button-sz-1h = 💤 1 h
alert-button-sz-4h = 💤 4 h
alert-button-sz-tomorrow = 💤 Until tomorrow
alert-button-task = 🛠 Create task
alert-button-miners = ⛏ Open miners
alert-acknowledged-toast = Taken: everyone who got it sees that you took it.
alert-snoozed-toast = Snoozed until { $until }.
alert-task-summary = { $client }: { $what } (alert #{ $id })
alert-miners-filter = 🚨 Miners of alert #{ $id }

alert-digest =
    ☀️ <b>Digest for { $day }</b> · { $count ->
        [one] 1 client needs a look
       *[other] { $count } clients need a look
    }
    🔁 status changes in 24 h · 🚨 open alerts · 📋 tasks due today · ⏰ overdue
    { $lines }
alert-digest-quiet = ☀️ <b>Digest for { $day }</b>: nothing changed in 24 h, no open alerts, no tasks due.
alert-digest-line = • { $client }: 🔁 { $changed } · 🚨 { $alerts } · 📋 { $due } · ⏰ { $overdue }

conflict-alert-resolved = This alert is resolved already.
conflict-alert-taken = { $name } took this alert already.
conflict-alert-no-client = A task needs a client: these miners have none.
invalid-snooze-unknown = That snooze is not offered.
invalid-alert-kind-unknown = That kind of notification is not offered to your role.
invalid-alert-scope-unknown = Choose "my clients" or "all clients".
invalid-alert-digest-unknown = Choose a time for the digest, or no digest.
invalid-alert-quiet-format = Write quiet hours as 22:00-07:00 (start and end differ).
invalid-alert-time-format = Write a time as HH:MM, for example 09:00.
invalid-alert-hold-s-unknown = Choose one of the hold times offered.
invalid-alert-hot-c-unknown = Choose one of the temperatures offered.
invalid-alert-cooldown-s-unknown = Choose one of the cooldowns offered.
invalid-alert-incident-pct-unknown = Choose one of the shares offered.
invalid-task-miner-gone = Some of these miners are no longer in the list.
log-alert-acknowledged = ✋ Alert acknowledged
log-alert-snoozed = 💤 Alert snoozed
field-alerts-hold-s = 🚨 Alert hold time, s
field-alerts-hot-c = 🌡 Hot threshold, °C
field-alerts-cooldown-s = 🚨 Alert cooldown, s
field-alerts-incident-pct = 🚨 Incident share, %

alert-area-title = <b>🚨 Alerts</b> ({ $count })
alert-area-filters = Filters: { $filters }
alert-area-empty = No alerts here.
alert-area-line =
    { $icon } <b>#{ $id }</b> { $who } · { $what }
    { $status_icon } { $status } · { $opened } · open { $open_for }
alert-area-open = ⛏ #{ $id }
alert-status-open = Open
alert-status-acknowledged = Taken by { $name }
alert-status-resolved = Resolved
alert-filter-client = 👤 Client
alert-filter-kind = 🏷 Kind
alert-filter-status = 📍 State
alert-filter-clear = ✖️ Clear filters
alert-filter-client-set = a client
alert-pick-client = Alerts of which client?
alert-pick-kind = Alerts of which kind?
alert-pick-status = Alerts in which state?
alert-any = Any

alert-kind-offline = 🔴 Offline
alert-kind-hanged = 🟠 Hanged
alert-kind-lowhash = 🟡 Lowhash
alert-kind-hot = 🌡 Hot
alert-kind-incident = 🚨 Incident
alert-kind-task_assigned = 📋 Task assigned
alert-kind-task_due = ⏰ Task due
alert-kind-export_ready = 📦 Exports
alert-kind-bill_overdue = 💸 Bill overdue

alert-settings-title = <b>🔔 Notifications</b>
alert-settings-kinds = On: { $kinds }
alert-settings-scope-mine = 👤 Miner alerts of my clients (I manage or follow them)
alert-settings-scope-all = 🏢 Miner alerts of all clients
alert-settings-set-all = 🏢 All clients
alert-settings-set-mine = 👤 My clients only
alert-settings-unassigned = Miners without a client
alert-settings-unassigned-on = ⛏ Miners without a client: on
alert-settings-unassigned-off = ⛏ Miners without a client: off
alert-quiet-off = 🌙 Quiet hours: none
alert-quiet-on = 🌙 Quiet hours { $start }–{ $end } (facility time): only incidents and hot miners get through; the rest waits until { $end }
alert-settings-digest-off = ☀️ Daily digest: off
alert-settings-digest-on = ☀️ Daily digest at { $at } (facility time)
alert-settings-quiet = 🌙 Quiet hours
alert-settings-digest = ☀️ Digest
alert-quiet-none = No quiet hours
alert-ask-quiet = Quiet hours in facility time: pick one, or write them as 22:00-07:00.
alert-digest-none = No digest
alert-ask-digest = The daily digest at what time (facility time)? Pick one or write HH:MM.

alert-rules-button = 🚨 Alert rules (facility)
alert-rules-title =
    <b>🚨 Alert rules</b>
    A problem pages after it held: { $hold }
    Hot at: { $hot }
    Cooldown per miner and kind: { $cooldown }
    Incident when this share goes offline at once: { $incident }
alert-rule-hold-s = ⏳ Hold time
alert-rule-hot-c = 🌡 Hot threshold
alert-rule-cooldown-s = 🔁 Cooldown
alert-rule-incident-pct = 🚨 Incident share
alert-ask-hold-s = How long must a problem hold before it pages?
alert-ask-hot-c = From which hottest-board temperature is a miner hot?
alert-ask-cooldown-s = How long before the same miner may page again for the same problem?
alert-ask-incident-pct = Which share of all miners going offline at once is a facility incident?
alert-rule-off = off
alert-minutes = { $minutes } min

alert-client-button = 🚨 Alerts
alert-follow = 🔔 Follow this client's alerts
alert-unfollow = 🔕 Stop following this client's alerts
alert-followed = You will get this client's miner alerts, as its manager does.
alert-unfollowed = You no longer follow this client's alerts.

## the same alerts for a client's watcher who opted in (keys of the watchers' area: revoking a
## link drops what is queued for its chats)
watchers-alert =
    { $icon } <b>{ $title }</b> · { $what }
    { $names }{ $more }
    🕒 since { $since }{ $state }
watchers-alert-back = ✅ <b>{ $title }</b> · { $what } (after { $duration })
