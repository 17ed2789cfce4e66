-- wrk script for a SIGNED (USER_DATA) Binance call: one pre-signed request, replayed.
--
-- Usage: wrk ... -s bench/wrk/signed.lua http://127.0.0.1:PORT -- <path?query&signature=...> <api key>
--
-- The path (with its query string, timestamp, recvWindow=60000 and signature) is signed by
-- bench/http_throughput.py just before the run; Binance has no nonce, so the same signed
-- request stays valid for recvWindow (60 s) and the run must be shorter than that.
-- No response() callback: it would cost wrk time on every response; wrk already counts
-- "Non-2xx or 3xx responses" and socket errors, which the caller checks.

function init(args)
   if #args ~= 2 then
      error("usage: -- <signed path> <api key>")
   end
   wrk.method = "GET"
   wrk.path = args[1]
   wrk.headers["X-MBX-APIKEY"] = args[2]
end
