-- Shared reporting for the harness's wrk scripts: one line 'TANDEM_BENCH {json}' on stdout with the
-- request count, duration, errors and latency percentiles (microseconds).

local M = {}

local function num(x)
  return string.format('%.3f', x)
end

function M.emit(summary, latency)
  local e = summary.errors
  local parts = {
    '"requests":' .. summary.requests,
    '"duration_us":' .. summary.duration,
    '"bytes":' .. summary.bytes,
    '"errors":{"connect":' .. e.connect .. ',"read":' .. e.read .. ',"write":' .. e.write
      .. ',"status":' .. e.status .. ',"timeout":' .. e.timeout .. '}',
    '"latency_us":{"min":' .. num(latency.min) .. ',"max":' .. num(latency.max) .. ',"mean":'
      .. num(latency.mean) .. ',"stdev":' .. num(latency.stdev) .. ',"p50":' .. num(latency:percentile(50))
      .. ',"p90":' .. num(latency:percentile(90)) .. ',"p99":' .. num(latency:percentile(99))
      .. ',"p999":' .. num(latency:percentile(99.9)) .. '}',
  }
  io.write('TANDEM_BENCH {' .. table.concat(parts, ',') .. '}\n')
end

return M
