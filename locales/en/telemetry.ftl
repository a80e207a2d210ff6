## Telemetry: live statuses, the miner card, Reboot, 24-hour charts, settings

perm-miners-control = Reboot miners
