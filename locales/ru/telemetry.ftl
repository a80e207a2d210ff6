## Телеметрия: живые статусы, карточка майнера, перезагрузка, графики за 24 часа, настройки

perm-miners-control = Перезагружать майнеры

telemetry-open-miner = 🔎 { $n }
telemetry-card-title = ⛏ <b>{ $model }</b> · #{ $id }
telemetry-card-status = { $status } · с { $since }
telemetry-card-pending = ⏳ Последний опрос показал { $status }: статус сменится, если следующий подтвердит.
telemetry-card-ip = 🌐 IP { $ip }
telemetry-card-location = 📍 { $location }
telemetry-card-ids = 🔖 Серийный номер { $serial } · MAC { $mac }
telemetry-card-client = 👤 { $client } · { $paid }
telemetry-card-no-client = 👤 Без клиента · { $paid }
telemetry-card-hashrate = ⚡ Хешрейт { $now } сейчас · { $expected } ожидаемый · { $avg } в среднем за 24 ч
telemetry-card-thermal = 🌡 Самая горячая плата { $temp } °C · 🌀 вентиляторы { $fans } об/мин
telemetry-card-watts-reported = 🔌 { $watts } Вт, по данным майнера
telemetry-card-watts-nominal = 🔌 { $watts } Вт, номинальная мощность (майнер не сообщает мощность)
telemetry-card-watts-none = 🔌 Мощность неизвестна: майнер её не сообщает, номинальная не указана
telemetry-card-uptime = ⏱ Аптайм { $uptime }
telemetry-card-pool = 🏊 { $url } · { $user } { $state }
telemetry-card-firmware = 💾 { $make } { $model } · прошивка { $firmware }
telemetry-card-errors = ⚠️ { $errors }
telemetry-card-seen = 👁 На связи { $seen } · опрошен { $polled }
telemetry-card-never-seen = 👁 Ещё не отвечал · опрошен { $polled }
telemetry-card-not-polled = 👁 Ещё не опрашивался.
telemetry-card-no-ip = 👁 Нет IP-адреса: этот майнер нельзя опросить.
telemetry-card-off = 📡 Телеметрия выключена (Настройки): статус — как при импорте или задан вручную.
telemetry-card-tasks = 📋 Открытые задачи: { $tasks }
telemetry-uptime-days = { $days } д { $hours } ч
telemetry-uptime-hours = { $hours } ч { $minutes } мин
telemetry-uptime-minutes = { $minutes } мин

telemetry-refresh = 🔄 Обновить сейчас
telemetry-refreshed = Данные только что получены.
telemetry-chart = 📈 График за 24 ч
telemetry-client-chart = 📈 График майнеров за 24 ч
telemetry-create-task = 📋 Создать задачу
telemetry-reboot = 🔁 Перезагрузить
telemetry-reboot-ask = <b>Перезагрузить { $miner }?</b>
    Пока он перезапускается, несколько минут хешрейта не будет. Перезагрузка записывается в журнал.
telemetry-reboot-confirm = ✅ Перезагрузить
telemetry-reboot-sent = ✅ Команда перезагрузки отправлена на { $miner }. Через несколько минут он вернётся: нажмите «Обновить сейчас».
telemetry-reboot-unsupported = ⚠️ Прошивка { $miner } не поддерживает перезагрузку через API. Ничего не отправлено.
telemetry-reboot-unreachable = ⚠️ { $miner } не отвечает. Ничего не отправлено.
telemetry-reboot-failed = ❌ { $miner } отклонил команду или не смог её выполнить. Проверьте, что API майнера разрешает команды управления, и пароль майнера (MINER_PASSWORD).

telemetry-chart-caption = 📈 { $name } · последние 24 часа
telemetry-fleet-caption = 📈 { $name } · последние 24 часа. Сейчас { $rate }, хешируют { $up } из { $count } майнеров.
telemetry-chart-subtitle = Хешрейт за последние 24 часа ({ $zone })
telemetry-chart-hashrate = Хешрейт
telemetry-chart-up = Хешируют
telemetry-chart-polled = Опрошено
telemetry-chart-no-data = За последние 24 часа данных нет

telemetry-settings-button = 📡 Телеметрия
telemetry-settings =
    <b>📡 Телеметрия</b>
    Опрос майнеров: { $state }, { $interval }.
    Lowhash: ниже { $pct } % хешрейта, который майнер ожидает от себя.
    Статус меняется, только когда два опроса подряд совпали. Если телеметрия выключена, статусы остаются как при импорте или заданы вручную.
telemetry-every-minutes = { $minutes ->
        [one] каждую { $minutes } минуту
        [few] каждые { $minutes } минуты
       *[other] каждые { $minutes } минут
    }
telemetry-turn-off = ⏸ Выключить телеметрию
telemetry-turn-on = ▶️ Включить телеметрию
telemetry-interval-button = ⏲ Интервал
telemetry-lowhash-button = 🟡 Порог Lowhash
telemetry-ask-interval = Как часто FarmDesk опрашивает майнеры?
telemetry-ask-lowhash = Ниже какой доли ожидаемого хешрейта майнер считается Lowhash? Выберите или отправьте целое число от 50 до 99.

field-telemetry = 📡 Телеметрия
field-telemetry-interval-s = ⏲ Интервал опроса, с
field-lowhash-pct = 🟡 Порог Lowhash, %
log-miner-reboot-sent = 🔁 Майнер перезагружен
log-miner-reboot-unsupported = 🔁 Перезагрузка майнера: прошивка её не поддерживает
log-miner-reboot-unreachable = 🔁 Перезагрузка майнера: майнер не ответил
log-miner-reboot-failed = 🔁 Перезагрузка майнера не удалась
invalid-telemetry-interval-s-unknown = Выберите один из предложенных интервалов.
invalid-telemetry-interval-s-format = Выберите один из предложенных интервалов.
invalid-lowhash-pct-format = Отправьте целое число, например 90.
invalid-lowhash-pct-range = Порог должен быть от { $min } до { $max } %.
conflict-telemetry-off = Телеметрия выключена в настройках, поэтому майнер не опрашивается.
conflict-miner-no-ip = У этого майнера нет IP-адреса.
conflict-miner-not-polled = { $ip } вне сетей, которые FarmDesk разрешено опрашивать (TELEMETRY_NETWORKS).
