-- Report-only script for GET loads: it defines no request() so wrk keeps its static request
-- (no Lua call per request); done() prints one machine-readable line the harness parses.
--   wrk -t1 -c50 -d5s -s lua/report.lua http://127.0.0.1:PORT/

local report = dofile((debug.getinfo(1, 'S').source:sub(2):match('(.*/)') or './') .. 'lib.lua')

function done(summary, latency, requests)
  report.emit(summary, latency)
end
