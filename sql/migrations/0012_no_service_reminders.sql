-- Services are no longer woken by a reminder each: every silo sweeps the enabled services whose grains are not active
-- (at start, when a silo dies, and every Scheduling:WakeUpPeriod). The reminders earlier versions registered go; one
-- an older silo registers during a rolling upgrade removes itself at its first tick on a newer silo.
DELETE FROM orleansreminderstable WHERE grainid LIKE 'servicemonitor/%';
