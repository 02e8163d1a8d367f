-- A static JSON POST for the load: the body read from a file; other headers with wrk's -H.
--   wrk -t1 -c50 -d5s -H 'x-api-key: k' -s lua/post.lua 'http://127.0.0.1:PORT/orders/42?verbose=true' -- body.json
-- The request is formatted once (wrk.init formats it after init() returns, and there is no request()
-- here), so wrk sends it with no Lua call per request.

local report = dofile((debug.getinfo(1, 'S').source:sub(2):match('(.*/)') or './') .. 'lib.lua')

function init(args)
  local file = assert(io.open(args[1], 'rb'), 'cannot open body file ' .. tostring(args[1]))
  wrk.body = file:read('*a')
  file:close()
  wrk.method = 'POST'
  wrk.headers['Content-Type'] = 'application/json'
end

function done(summary, latency, requests)
  report.emit(summary, latency)
end
