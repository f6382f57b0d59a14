/**
 * A JACK client that plays the stimulus and records, sample-locked in the same process callback,
 * as jack_iodelay does. Node cannot be a JACK client itself (the process callback runs on JACK's
 * real-time thread through libjack), and Debian's JACK tools can record (jack_rec) but not play a
 * file, so this small client is Python with ctypes on the system's libjack: python3 and libjack
 * are all it needs (on PipeWire systems, pw-jack makes the same client run on PipeWire's JACK).
 *
 * argv: stimulus.f32 recording.f32 tail_frames playback_port|-|@self capture_port|-|@self
 *   "-" picks the first physical port; "@self" connects the client's output to its own input.
 * stdout: one JSON line {rate, period, playback, capture, playbackLatency, captureLatency} or {error}.
 * The recording starts in the very cycle whose first frame is the stimulus' first frame, so the
 * stimulus' position in the recording is the loop's latency, read-before-write like jack_iodelay.
 */
export const JACK_CLIENT_PY = String.raw`
import ctypes, ctypes.util, json, os, sys, time

def fail(message, code=3):
    print(json.dumps({"error": message}), flush=True)
    sys.exit(code)

stim_path, rec_path, tail, want_out, want_in, name = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
# The plain soname first, so LD_LIBRARY_PATH (pw-jack) decides; then ARCHIBALD_LIBJACK, which a
# packager sets where no linker cache exists (NixOS); then whatever ldconfig knows.
jack = None
problems = []
for candidate in ["libjack.so.0", os.environ.get("ARCHIBALD_LIBJACK"), ctypes.util.find_library("jack")]:
    if not candidate:
        continue
    try:
        jack = ctypes.CDLL(candidate)
        break
    except OSError as error:
        problems.append(str(error))
if jack is None:
    fail("libjack is not installed or not found (set ARCHIBALD_LIBJACK to its path): " + "; ".join(problems))
vp, cp, u32 = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint32
class Range(ctypes.Structure):
    _fields_ = [("min", u32), ("max", u32)]
def sig(fn, res, *args):
    f = getattr(jack, fn); f.restype = res; f.argtypes = list(args); return f
client_open = sig("jack_client_open", vp, cp, ctypes.c_int, ctypes.POINTER(ctypes.c_int))
port_register = sig("jack_port_register", vp, vp, cp, cp, ctypes.c_ulong, ctypes.c_ulong)
get_buffer = sig("jack_port_get_buffer", vp, vp, u32)
port_name = sig("jack_port_name", cp, vp)
port_by_name = sig("jack_port_by_name", vp, vp, cp)
connect = sig("jack_connect", ctypes.c_int, vp, cp, cp)
activate = sig("jack_activate", ctypes.c_int, vp)
deactivate = sig("jack_deactivate", ctypes.c_int, vp)
close = sig("jack_client_close", ctypes.c_int, vp)
sample_rate = sig("jack_get_sample_rate", u32, vp)
buffer_size = sig("jack_get_buffer_size", u32, vp)
get_ports = sig("jack_get_ports", ctypes.POINTER(cp), vp, cp, cp, ctypes.c_ulong)
latency_range = sig("jack_port_get_latency_range", None, vp, ctypes.c_int, ctypes.POINTER(Range))
PROCESS = ctypes.CFUNCTYPE(ctypes.c_int, u32, vp)
set_process = sig("jack_set_process_callback", ctypes.c_int, vp, PROCESS, vp)
XRUN = ctypes.CFUNCTYPE(ctypes.c_int, vp)
set_xrun = sig("jack_set_xrun_callback", ctypes.c_int, vp, XRUN, vp)

status = ctypes.c_int(0)
client = client_open(name.encode(), 1, ctypes.byref(status))  # JackNoStartServer
if not client:
    fail("cannot connect to a JACK server (is jackd running? status 0x%x)" % status.value)

stim = open(stim_path, "rb").read()
frames = len(stim) // 4
total = frames + tail
stim_buf = ctypes.create_string_buffer(stim, len(stim))
rec_buf = ctypes.create_string_buffer(total * 4)
stim_addr, rec_addr = ctypes.addressof(stim_buf), ctypes.addressof(rec_buf)
AUDIO = b"32 bit float mono audio"
out_port = port_register(client, b"out", AUDIO, 2, 0)
in_port = port_register(client, b"in", AUDIO, 1, 0)
state = {"pos": -1, "go": False, "xruns": 0}

def process(nframes, arg):
    inp = get_buffer(in_port, nframes)
    out = get_buffer(out_port, nframes)
    pos = state["pos"]
    if pos < 0:
        if not state["go"]:
            ctypes.memset(out, 0, nframes * 4)
            return 0
        pos = 0
    # Read before write: with a self-connection the input buffer is the output buffer.
    if pos < total:
        k = min(nframes, total - pos)
        ctypes.memmove(rec_addr + pos * 4, inp, k * 4)
    if pos < frames:
        k = min(nframes, frames - pos)
        ctypes.memmove(out, stim_addr + pos * 4, k * 4)
        if k < nframes:
            ctypes.memset(out + k * 4, 0, (nframes - k) * 4)
    else:
        ctypes.memset(out, 0, nframes * 4)
    state["pos"] = pos + nframes
    return 0

def xrun(arg):
    state["xruns"] += 1
    return 0

process_cb, xrun_cb = PROCESS(process), XRUN(xrun)
set_process(client, process_cb, None)
set_xrun(client, xrun_cb, None)

def first_physical(flags):
    ports = get_ports(client, None, b"audio", flags)
    return ports[0].decode() if ports and ports[0] else None

me_out, me_in = port_name(out_port).decode(), port_name(in_port).decode()
if want_out == "@self":
    playback, capture = me_in, me_out
else:
    playback = first_physical(4 | 1) if want_out == "-" else want_out
    capture = first_physical(4 | 2) if want_in == "-" else want_in
    if playback is None or capture is None:
        close(client)
        fail("no physical playback/capture port; name them with --playback and --capture")
if activate(client) != 0:
    fail("cannot activate the JACK client")
links = [(me_out, me_in)] if want_out == "@self" else [(me_out, playback), (capture, me_in)]
for source, destination in links:
    if connect(client, source.encode(), destination.encode()) != 0:
        deactivate(client); close(client)
        fail("cannot connect %s -> %s" % (source, destination))
time.sleep(0.3)
# What JACK itself says the two hardware ports add: the "nominal" part of the round trip.
out_range, in_range = Range(), Range()
p = port_by_name(client, playback.encode())
c = port_by_name(client, capture.encode())
if want_out != "@self":
    latency_range(p, 1, ctypes.byref(out_range))
    latency_range(c, 0, ctypes.byref(in_range))
state["go"] = True
deadline = time.time() + 5 + total / max(1, sample_rate(client))
while state["pos"] < total and time.time() < deadline:
    time.sleep(0.01)
done = state["pos"] >= total
info = {"rate": sample_rate(client), "period": buffer_size(client), "playback": playback, "capture": capture,
        "playbackLatency": out_range.max, "captureLatency": in_range.max, "xruns": state["xruns"], "complete": done}
deactivate(client)
close(client)
if not done:
    fail("the JACK server stopped calling the client (frozen or stopped server?)", 4)
open(rec_path, "wb").write(rec_buf.raw)
print(json.dumps(info), flush=True)
`;
