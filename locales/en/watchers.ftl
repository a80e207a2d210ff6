## Watcher links: a client's read-only view of its miners (staff screens, the watcher's chat, the web page)

## staff: a client's link and the list
watchers-button = 👁 Watcher link
watchers-list-button = 👁 Watcher links
watchers-list = <b>👁 Watcher links</b> ({ $count } live)
watchers-list-empty = No client has a live watcher link. Make one from a client's card (👁 Watcher link).
watchers-screen-title = <b>👁 Watcher link</b> · #{ $id } { $client } ({ $email })
watchers-screen-none =
    No live link. A watcher link lets the client see its own miners — statuses, hashrate, the 24-hour chart — read-only and without an account, in Telegram or on a web page.
watchers-screen-live = 🟢 Live · { $language } · { $until }
watchers-screen-made = Made { $at } by { $by } · opened in { $chats ->
        [one] one chat
       *[other] { $chats } chats
    }
watchers-screen-once = 🔒 The link is shown once, when it is made (only its fingerprint is kept). Lost it? Replace the token: the old link stops working.
watchers-screen-opens = <b>Opened { $count ->
        [one] once
       *[other] { $count } times
    }</b>, latest first:
watchers-open-telegram = { $at } · Telegram: { $who }, id { $id }
watchers-open-web = { $at } · web page: { $address }
watchers-until = until { $at }
watchers-until-revoked = until revoked
watchers-lifetime-days = { $days } days
watchers-lifetime-never = Until revoked
watchers-form-telegram = in Telegram { $url }
watchers-form-web = on the web { $url }
watchers-new = ➕ New link
watchers-ask-client = Send the client's name, email or #id.
watchers-clients-found = { $count ->
        [one] One client matches:
       *[other] { $count } clients match (the first ones below; send more of the name to narrow it):
    }
watchers-no-client = No client matches. Send another name, email or #id.
watchers-create = ➕ Create link
watchers-replace = 🔁 Replace token
watchers-revoke = ⛔️ Revoke
watchers-back-to-client = ⬅️ Back to the client
watchers-back-to-list = ⬅️ Back to the list
watchers-ask-language = In which language should { $client } see the view?
watchers-ask-lifetime = How long should the link work?
watchers-made = ✅ Watcher link for <b>{ $client }</b> · { $language } · { $until }
watchers-made-telegram = Telegram: { $url }
watchers-made-web = Web page: { $url }
watchers-made-note = Send it to the client by any channel. This is the only time it is shown: keep this message, or replace the token later.
watchers-copy-telegram = 📋 Copy Telegram link
watchers-copy-web = 📋 Copy web link
watchers-revoke-ask = <b>Revoke the watcher link of { $client }?</b>
    Every chat and web page showing it says “not valid” at once, and its chats stop getting messages.
watchers-revoke-confirm = ⛔️ Revoke
watchers-replace-ask = <b>Replace the token of { $client }'s link?</b>
    The old link stops working at once (chats that opened it too); you get a new one to send.
watchers-replace-confirm = 🔁 Replace
watchers-revoked = The link is revoked.
conflict-watcher-exists = { $email } already has a live watcher link (made { $created } by { $by }). Revoke it or replace its token.
conflict-watcher-exists-now = Someone has just made a watcher link for this client: open its screen again.
conflict-watcher-none = This client has no live watcher link any more.
invalid-watcher-language-unknown = Choose one of the languages offered.
invalid-watcher-lifetime-unknown = Choose one of the lifetimes offered.
log-watcher-created = 👁 Watcher link created
log-watcher-replaced = 👁 Watcher link token replaced
log-watcher-revoked = 👁 Watcher link revoked
log-object-watcher-link = Watcher link
log-detail-reason = Reason
field-watcher-valid-until = Valid until
open-watch = 👁 Open the view

## the watcher's chat
watchers-not-valid = This link is not valid.
watchers-only-view = This chat shows the miners of { $client } and nothing else.
watchers-button-not-here = This button does not work in this chat.
watchers-view-title = 👁 <b>{ $client }</b> · { $facility }
watchers-view-miners = ⛏ { $count ->
        [one] 1 miner
       *[other] { $count } miners
    }: { $statuses }
watchers-view-hashrate = ⚡ { $now } now · { $avg } 24 h average
watchers-view-updated = 🕒 Read { $at } ({ $zone })
watchers-view-not-polled = 🕒 No readings yet.
watchers-view-list = <b>Miners { $first }–{ $last } of { $total }</b>
watchers-view-none = No miners.
watchers-miner-no-reading = no answer at the latest reading
watchers-miner-up = up { $uptime }
watchers-refresh = 🔄 Refresh
watchers-refreshed = Updated.
watchers-chart = 📈 24 h chart
watchers-chart-caption = 📈 { $client } · last 24 hours
watchers-notify = 🔔 Notifications
watchers-notify-text = <b>🔔 Short messages about { $client }'s miners</b>
    Tap to switch on or off. They stop if the link is revoked.
watchers-notify-alerts = When miners stop or come back
watchers-notify-daily = A summary every day at 09:00
watchers-back-to-view = ⬅️ Back to the miners
watchers-pref-alerts-on = You will hear when miners stop or come back.
watchers-pref-alerts-off = No more messages about miners stopping.
watchers-pref-daily-on = You will get a summary every day.
watchers-pref-daily-off = No more daily summaries.
watchers-daily = 📅 <b>{ $client }</b> today: { $working } of { $total } miners working, { $down } stopped. Hashrate { $now } now, { $avg } over 24 hours.

## the web page
watchers-web-miners = { $count ->
        [one] 1 miner
       *[other] { $count } miners
    }
watchers-web-now = Hashrate now
watchers-web-avg = 24 h average
watchers-web-updated = Read { $at } ({ $zone }). This page refreshes itself every { $minutes ->
        [one] minute
       *[other] { $minutes } minutes
    }.
watchers-web-chart-alt = Hashrate of { $client }'s miners over the last 24 hours
watchers-web-all = All
watchers-web-miner = Miner
watchers-web-status = Status
watchers-web-figures = Hashrate · hottest board · uptime
watchers-web-page = Page { $page } of { $pages }
watchers-web-not-valid-title = Link not valid
watchers-web-not-valid = This link is not valid. Ask whoever sent it for a new one.
watchers-web-too-many = Too many requests from your address. Wait a minute and reload the page.
