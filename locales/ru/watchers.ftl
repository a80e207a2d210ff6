## Ссылки наблюдателя: просмотр клиентом своих майнеров (экраны сотрудников, чат наблюдателя, веб-страница)

## сотрудники: ссылка клиента и список
watchers-button = 👁 Ссылка наблюдателя
watchers-list-button = 👁 Ссылки наблюдателя
watchers-list = <b>👁 Ссылки наблюдателя</b> (действуют: { $count })
watchers-list-empty = Ни у одного клиента нет действующей ссылки. Создайте её в карточке клиента (👁 Ссылка наблюдателя).
watchers-screen-title = <b>👁 Ссылка наблюдателя</b> · #{ $id } { $client } ({ $email })
watchers-screen-none =
    Действующей ссылки нет. Ссылка наблюдателя показывает клиенту его майнеры — статусы, хешрейт, график за 24 часа — только для просмотра и без учётной записи, в Telegram или на веб-странице.
watchers-screen-live = 🟢 Действует · { $language } · { $until }
watchers-screen-made = Создана { $at }, { $by } · открыта в { $chats ->
        [one] { $chats } чате
       *[other] { $chats } чатах
    }
watchers-screen-once = 🔒 Ссылка показывается один раз, при создании (хранится только её отпечаток). Потеряли? Замените токен: старая ссылка перестанет работать.
watchers-screen-opens = <b>Открытий: { $count }</b>, сначала последние:
watchers-open-telegram = { $at } · Telegram: { $who }, id { $id }
watchers-open-web = { $at } · веб-страница: { $address }
watchers-until = до { $at }
watchers-until-revoked = пока не отозвана
watchers-lifetime-days = { $days ->
        [one] { $days } день
        [few] { $days } дня
       *[other] { $days } дней
    }
watchers-lifetime-never = Пока не отзову
watchers-form-telegram = в Telegram { $url }
watchers-form-web = в браузере { $url }
watchers-new = ➕ Новая ссылка
watchers-ask-client = Пришлите имя, email или #id клиента.
watchers-clients-found = { $count ->
        [one] Подходит { $count } клиент:
        [few] Подходят { $count } клиента (первые ниже; уточните имя, чтобы сузить):
       *[other] Подходят { $count } клиентов (первые ниже; уточните имя, чтобы сузить):
    }
watchers-no-client = Такого клиента нет. Пришлите другое имя, email или #id.
watchers-create = ➕ Создать ссылку
watchers-replace = 🔁 Заменить токен
watchers-revoke = ⛔️ Отозвать
watchers-back-to-client = ⬅️ К клиенту
watchers-back-to-list = ⬅️ К списку
watchers-ask-language = На каком языке { $client } увидит страницу?
watchers-ask-lifetime = Сколько будет действовать ссылка?
watchers-made = ✅ Ссылка наблюдателя для <b>{ $client }</b> · { $language } · { $until }
watchers-made-telegram = Telegram: { $url }
watchers-made-web = Веб-страница: { $url }
watchers-made-note = Отправьте её клиенту любым способом. Больше она показана не будет: сохраните это сообщение или потом замените токен.
watchers-copy-telegram = 📋 Копировать ссылку Telegram
watchers-copy-web = 📋 Копировать веб-ссылку
watchers-revoke-ask = <b>Отозвать ссылку наблюдателя { $client }?</b>
    Все чаты и веб-страницы с ней сразу покажут «ссылка недействительна», а её чаты перестанут получать сообщения.
watchers-revoke-confirm = ⛔️ Отозвать
watchers-replace-ask = <b>Заменить токен ссылки { $client }?</b>
    Старая ссылка сразу перестанет работать (и в открывших её чатах); вы получите новую, чтобы отправить.
watchers-replace-confirm = 🔁 Заменить
watchers-revoked = Ссылка отозвана.
conflict-watcher-exists = У { $email } уже есть действующая ссылка наблюдателя (создана { $created }, { $by }). Отзовите её или замените токен.
conflict-watcher-exists-now = Кто-то только что создал ссылку для этого клиента: откройте её экран заново.
conflict-watcher-none = У этого клиента больше нет действующей ссылки.
invalid-watcher-language-unknown = Выберите один из предложенных языков.
invalid-watcher-lifetime-unknown = Выберите один из предложенных сроков.
log-watcher-created = 👁 Создана ссылка наблюдателя
log-watcher-replaced = 👁 Заменён токен ссылки наблюдателя
log-watcher-revoked = 👁 Отозвана ссылка наблюдателя
log-object-watcher-link = Ссылка наблюдателя
log-detail-reason = Причина
field-watcher-valid-until = Действует до
open-watch = 👁 Открыть просмотр

## чат наблюдателя
watchers-not-valid = Эта ссылка недействительна.
watchers-only-view = В этом чате видны только майнеры { $client }.
watchers-button-not-here = Эта кнопка не работает в этом чате.
watchers-view-title = 👁 <b>{ $client }</b> · { $facility }
watchers-view-miners = ⛏ Майнеров: { $count } · { $statuses }
watchers-view-hashrate = ⚡ { $now } сейчас · { $avg } в среднем за 24 ч
watchers-view-updated = 🕒 Данные на { $at } ({ $zone })
watchers-view-not-polled = 🕒 Данных пока нет.
watchers-view-list = <b>Майнеры { $first }–{ $last } из { $total }</b>
watchers-view-none = Майнеров нет.
watchers-miner-no-reading = не ответил при последнем опросе
watchers-miner-up = работает { $uptime }
watchers-refresh = 🔄 Обновить
watchers-refreshed = Обновлено.
watchers-chart = 📈 График 24 ч
watchers-chart-caption = 📈 { $client } · последние 24 часа
watchers-notify = 🔔 Уведомления
watchers-notify-text = <b>🔔 Короткие сообщения о майнерах { $client }</b>
    Нажмите, чтобы включить или выключить. Они прекратятся, если ссылку отзовут.
watchers-notify-alerts = Когда майнеры встают или возвращаются
watchers-notify-daily = Сводка каждый день в 09:00
watchers-back-to-view = ⬅️ К майнерам
watchers-pref-alerts-on = Вы узнаете, когда майнеры встанут или вернутся в работу.
watchers-pref-alerts-off = Сообщений об остановке майнеров больше не будет.
watchers-pref-daily-on = Вы будете получать сводку каждый день.
watchers-pref-daily-off = Ежедневных сводок больше не будет.
watchers-daily = 📅 <b>{ $client }</b> сегодня: работают { $working } из { $total } майнеров, стоят { $down }. Хешрейт { $now } сейчас, { $avg } за 24 часа.

## веб-страница
watchers-web-miners = Майнеров: { $count }
watchers-web-now = Хешрейт сейчас
watchers-web-avg = В среднем за 24 ч
watchers-web-updated = Данные на { $at } ({ $zone }). Страница обновляется сама каждые { $minutes } мин.
watchers-web-chart-alt = Хешрейт майнеров { $client } за последние 24 часа
watchers-web-all = Все
watchers-web-miner = Майнер
watchers-web-status = Статус
watchers-web-figures = Хешрейт · самая горячая плата · аптайм
watchers-web-page = Страница { $page } из { $pages }
watchers-web-not-valid-title = Ссылка недействительна
watchers-web-not-valid = Эта ссылка недействительна. Попросите того, кто её прислал, о новой.
watchers-web-too-many = Слишком много запросов с вашего адреса. Подождите минуту и обновите страницу.
