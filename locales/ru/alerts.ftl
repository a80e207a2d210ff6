## Оповещения: проблемы майнеров и события — нужным людям, действия из сообщения, раздел
## «Оповещения», Настройки → Уведомления

alert-menu = 🚨 Оповещения
alert-settings-button = 🔔 Уведомления

alert-message =
    { $icon } <b>{ $title }</b> · { $what }
    { $names }{ $more }
    🕒 с { $since } · оповещение №{ $id }{ $state }
alert-facility = Авария на площадке
alert-no-client = Майнеры без клиента
alert-what-offline = { $count ->
    [one] { $count } майнер не в сети
    [few] { $count } майнера не в сети
   *[other] { $count } майнеров не в сети
}
alert-what-hanged = { $count ->
    [one] { $count } майнер завис
    [few] { $count } майнера зависли
   *[other] { $count } майнеров зависли
}
alert-what-lowhash = { $count ->
    [one] { $count } майнер с низким хешрейтом
    [few] { $count } майнера с низким хешрейтом
   *[other] { $count } майнеров с низким хешрейтом
}
alert-what-hot = { $count ->
    [one] { $count } майнер перегревается
    [few] { $count } майнера перегреваются
   *[other] { $count } майнеров перегреваются
}
alert-what-incident = { $count ->
    [one] { $count } майнер разом ушёл из сети: питание или сеть?
    [few] { $count } майнера разом ушли из сети: питание или сеть?
   *[other] { $count } майнеров разом ушли из сети: питание или сеть?
}
alert-more = {" "}и ещё { $count }
alert-more-clients = { $count ->
    [one] … и ещё { $count } клиент
    [few] … и ещё { $count } клиента
   *[other] … и ещё { $count } клиентов
}
alert-state-resolved = {"\u000A"}✅ Решено в { $at }
alert-state-acknowledged = {"\u000A"}✋ Взял(а) { $name } в { $at }
alert-state-snoozed = {"\u000A"}💤 { $name } отложил(а) до { $until }
alert-state-back = {"\u000A"}🔁 Вернулись: { $count }
alert-recovered = ✅ <b>{ $title }</b> · { $what } (оповещение №{ $id }, длилось { $duration })
alert-back-offline = { $count ->
    [one] { $count } майнер снова в сети
    [few] { $count } майнера снова в сети
   *[other] { $count } майнеров снова в сети
}
alert-back-hanged = { $count ->
    [one] { $count } майнер снова хеширует
    [few] { $count } майнера снова хешируют
   *[other] { $count } майнеров снова хешируют
}
alert-back-lowhash = { $count ->
    [one] { $count } майнер снова на полном хешрейте
    [few] { $count } майнера снова на полном хешрейте
   *[other] { $count } майнеров снова на полном хешрейте
}
alert-back-hot = { $count ->
    [one] { $count } майнер остыл
    [few] { $count } майнера остыли
   *[other] { $count } майнеров остыли
}
alert-back-incident = { $count ->
    [one] авария позади: затронут { $count } майнер
    [few] авария позади: затронуты { $count } майнера
   *[other] авария позади: затронуто { $count } майнеров
}
alert-duration = { $hours ->
    [0] { $minutes } мин
   *[other] { $hours } ч { $minutes } мин
}

alert-button-ack = ✋ Беру
alert-button-sz-1h = 💤 1 ч
alert-button-sz-4h = 💤 4 ч
alert-button-sz-tomorrow = 💤 До завтра
alert-button-task = 🛠 Создать задачу
alert-button-miners = ⛏ Открыть майнеры
alert-acknowledged-toast = Взято: все, кто получил оповещение, видят, что вы его взяли.
alert-snoozed-toast = Отложено до { $until }.
alert-task-summary = { $client }: { $what } (оповещение №{ $id })
alert-miners-filter = 🚨 Майнеры оповещения №{ $id }

alert-digest =
    ☀️ <b>Сводка за { $day }</b> · { $count ->
        [one] { $count } клиент требует внимания
        [few] { $count } клиента требуют внимания
       *[other] { $count } клиентов требуют внимания
    }
    🔁 смены статуса за 24 ч · 🚨 открытые оповещения · 📋 задачи на сегодня · ⏰ просрочены
    { $lines }
alert-digest-quiet = ☀️ <b>Сводка за { $day }</b>: за 24 ч ничего не изменилось, открытых оповещений и задач на сегодня нет.
alert-digest-line = • { $client }: 🔁 { $changed } · 🚨 { $alerts } · 📋 { $due } · ⏰ { $overdue }

conflict-alert-resolved = Это оповещение уже решено.
conflict-alert-taken = { $name } уже взял(а) это оповещение.
conflict-alert-no-client = Задаче нужен клиент, а у этих майнеров его нет.
invalid-snooze-unknown = Такой отсрочки нет.
invalid-alert-kind-unknown = Такие уведомления вашей роли недоступны.
invalid-alert-scope-unknown = Выберите «мои клиенты» или «все клиенты».
invalid-alert-digest-unknown = Выберите время сводки или «Без сводки».
invalid-alert-quiet-format = Напишите тихие часы так: 22:00-07:00 (начало и конец различаются).
invalid-alert-time-format = Напишите время как ЧЧ:ММ, например 09:00.
invalid-alert-hold-s-unknown = Выберите одно из предложенных времён.
invalid-alert-hot-c-unknown = Выберите одну из предложенных температур.
invalid-alert-cooldown-s-unknown = Выберите один из предложенных интервалов.
invalid-alert-incident-pct-unknown = Выберите одну из предложенных долей.
invalid-task-miner-gone = Некоторых из этих майнеров больше нет в списке.
log-alert-acknowledged = ✋ Оповещение взято
log-alert-snoozed = 💤 Оповещение отложено
field-alerts-hold-s = 🚨 Выдержка оповещения, с
field-alerts-hot-c = 🌡 Порог перегрева, °C
field-alerts-cooldown-s = 🚨 Пауза между оповещениями, с
field-alerts-incident-pct = 🚨 Доля для аварии, %

alert-area-title = <b>🚨 Оповещения</b> ({ $count })
alert-area-filters = Фильтры: { $filters }
alert-area-empty = Оповещений нет.
alert-area-line =
    { $icon } <b>№{ $id }</b> { $who } · { $what }
    { $status_icon } { $status } · { $opened } · длилось { $open_for }
alert-area-open = ⛏ №{ $id }
alert-status-open = Открыто
alert-status-acknowledged = Взял(а) { $name }
alert-status-resolved = Решено
alert-filter-client = 👤 Клиент
alert-filter-kind = 🏷 Вид
alert-filter-status = 📍 Состояние
alert-filter-clear = ✖️ Сбросить фильтры
alert-filter-client-set = клиент
alert-pick-client = Оповещения какого клиента?
alert-pick-kind = Оповещения какого вида?
alert-pick-status = Оповещения в каком состоянии?
alert-any = Любые

alert-kind-offline = 🔴 Не в сети
alert-kind-hanged = 🟠 Завис
alert-kind-lowhash = 🟡 Низкий хешрейт
alert-kind-hot = 🌡 Перегрев
alert-kind-incident = 🚨 Авария
alert-kind-task_assigned = 📋 Назначена задача
alert-kind-task_due = ⏰ Срок задачи
alert-kind-export_ready = 📦 Выгрузки
alert-kind-bill_overdue = 💸 Просроченный счёт

alert-settings-title = <b>🔔 Уведомления</b>
alert-settings-kinds = Включены: { $kinds }
alert-settings-scope-mine = 👤 Оповещения о майнерах моих клиентов (веду или слежу)
alert-settings-scope-all = 🏢 Оповещения о майнерах всех клиентов
alert-settings-set-all = 🏢 Все клиенты
alert-settings-set-mine = 👤 Только мои клиенты
alert-settings-unassigned = Майнеры без клиента
alert-settings-unassigned-on = ⛏ Майнеры без клиента: да
alert-settings-unassigned-off = ⛏ Майнеры без клиента: нет
alert-quiet-off = 🌙 Тихие часы: нет
alert-quiet-on = 🌙 Тихие часы { $start }–{ $end } (время площадки): проходят только аварии и перегрев, остальное ждёт до { $end }
alert-settings-digest-off = ☀️ Ежедневная сводка: выключена
alert-settings-digest-on = ☀️ Ежедневная сводка в { $at } (время площадки)
alert-settings-quiet = 🌙 Тихие часы
alert-settings-digest = ☀️ Сводка
alert-quiet-none = Без тихих часов
alert-ask-quiet = Тихие часы по времени площадки: выберите или напишите так: 22:00-07:00.
alert-digest-none = Без сводки
alert-ask-digest = Во сколько присылать сводку (время площадки)? Выберите или напишите ЧЧ:ММ.

alert-rules-button = 🚨 Правила оповещений (площадка)
alert-rules-title =
    <b>🚨 Правила оповещений</b>
    Проблема поднимает оповещение, продержавшись: { $hold }
    Перегрев с: { $hot }
    Пауза для одного майнера и вида: { $cooldown }
    Авария, если разом ушла из сети доля: { $incident }
alert-rule-hold-s = ⏳ Выдержка
alert-rule-hot-c = 🌡 Порог перегрева
alert-rule-cooldown-s = 🔁 Пауза
alert-rule-incident-pct = 🚨 Доля для аварии
alert-ask-hold-s = Сколько должна продержаться проблема, прежде чем поднять оповещение?
alert-ask-hot-c = С какой температуры самой горячей платы майнер перегревается?
alert-ask-cooldown-s = Через сколько тот же майнер может снова поднять оповещение о той же проблеме?
alert-ask-incident-pct = Какая доля всех майнеров, разом ушедших из сети, — авария на площадке?
alert-rule-off = выкл.
alert-minutes = { $minutes } мин

alert-client-button = 🚨 Оповещения
alert-follow = 🔔 Следить за оповещениями клиента
alert-unfollow = 🔕 Не следить за оповещениями клиента
alert-followed = Вы будете получать оповещения о майнерах этого клиента, как его менеджер.
alert-unfollowed = Вы больше не следите за оповещениями этого клиента.

## те же оповещения для наблюдателя клиента, который их включил (ключи раздела наблюдателей:
## отзыв ссылки убирает то, что ждёт отправки в их чаты)
watchers-alert =
    { $icon } <b>{ $title }</b> · { $what }
    { $names }{ $more }
    🕒 с { $since }{ $state }
watchers-alert-back = ✅ <b>{ $title }</b> · { $what } (спустя { $duration })
