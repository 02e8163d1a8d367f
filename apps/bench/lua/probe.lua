-- The paced probe: one connection, about RATE requests per second (default 100), on a cheap route
-- of the server under load (/health). It measures what a light client sees while the server is busy.
--   wrk -t1 -c1 -d5s -s lua/probe.lua http://127.0.0.1:PORT/health -- 100
-- Pacing: a schedule of one send every 1000/RATE ms on the wall clock; delay() waits until the next
-- slot. A late response does not cause a burst to catch up: the schedule restarts from now. wrk starts
-- the latency clock when the request is written, so the wait is not counted as latency.

local report = dofile((debug.getinfo(1, 'S').source:sub(2):match('(.*/)') or './') .. 'lib.lua')
local ffi = require('ffi')

ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clk_id, bench_timespec *tp);
]]

local CLOCK_MONOTONIC = 1
local ts = ffi.new('bench_timespec')
local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local interval = 10
local next_at = nil

function init(args)
  local rate = tonumber(args[1] or '100')
  interval = 1000 / rate
end

function delay()
  local now = now_ms()
  if next_at == nil or next_at < now then
    next_at = now
  end
  local wait = next_at - now
  next_at = next_at + interval
  return math.floor(wait)
end

function done(summary, latency, requests)
  report.emit(summary, latency)
end
