"""Settlement runs: start, calculate in chunks, approve (maker-checker), post exactly once.

One module per job:

    states    the run's states and the one TRANSITIONS table (allowed moves, the
              admin's buttons, the API's permissions), approve, cancel, fail
    planning  start a run, plan and pin its inputs, fan chunks out, run a chunk,
              finish the run (each channel's finish, summary)
    sweeps    queue again the chunks of calculations whose tasks were lost
    reports   the run's summary, comparison of two runs
    posting   post (or queue the posting of) an approved run, reverse a corrected one

Money per region and channel is read through compensation.selectors.
"""
