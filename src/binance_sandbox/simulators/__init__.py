"""Shell-side simulators: clocks, timers and price sources; they act on the core only through
commands."""
