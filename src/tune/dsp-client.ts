/**
 * The synthetic real-time client `--dsp PERCENT` adds, and the silent stream tune plays when
 * nothing else keeps the graph running. Node cannot be a PipeWire client on the graph's real-time
 * thread, Debian's PipeWire tools have no CPU-burning client and this machine has no pipewire-jack
 * for jack_cpu, so it is Python with ctypes on the system's libpipewire (no compiler, no headers),
 * as the JACK helpers in src/jack and src/bench/xruns are.
 *
 * It is a playback stream (WirePlumber links it to the default sink, so the real device's driver
 * runs) that writes silence and then busy-waits until PERCENT of the current period has passed since
 * the cycle began (the clock's nsec from the position io area), so the graph's DSP load rises by
 * that share at every quantum. It prints "state N" lines (3 = streaming) and "error ..." on failure.
 *
 * argv: PERCENT [TARGET|-]
 */
export const DSP_CLIENT_PY = String.raw`
import ctypes, os, struct, sys, time
try:
    pw = ctypes.CDLL(os.environ.get("ARCHIBALD_LIBPIPEWIRE") or "libpipewire-0.3.so.0")
except OSError as error:
    print("error libpipewire is not installed or not found (set ARCHIBALD_LIBPIPEWIRE to its path): %s" % error, flush=True)
    sys.exit(3)
share = float(sys.argv[1]) / 100.0
target = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] != "-" else None
vp, u32 = ctypes.c_void_p, ctypes.c_uint32
def sig(fn, res, *args):
    f = getattr(pw, fn); f.restype = res; f.argtypes = list(args); return f
sig("pw_init", None, vp, vp)(None, None)
main_loop_new = sig("pw_main_loop_new", vp, vp)
get_loop = sig("pw_main_loop_get_loop", vp, vp)
run = sig("pw_main_loop_run", ctypes.c_int, vp)
props_new = sig("pw_properties_new_string", vp, ctypes.c_char_p)
class Chunk(ctypes.Structure): _fields_ = [("offset", u32), ("size", u32), ("stride", ctypes.c_int32), ("flags", ctypes.c_int32)]
class Data(ctypes.Structure): _fields_ = [("type", u32), ("flags", u32), ("fd", ctypes.c_int64), ("mapoffset", u32), ("maxsize", u32), ("data", vp), ("chunk", ctypes.POINTER(Chunk))]
class SpaBuffer(ctypes.Structure): _fields_ = [("n_metas", u32), ("n_datas", u32), ("metas", vp), ("datas", ctypes.POINTER(Data))]
class PwBuffer(ctypes.Structure): _fields_ = [("buffer", ctypes.POINTER(SpaBuffer)), ("user_data", vp), ("size", ctypes.c_uint64), ("requested", ctypes.c_uint64)]
class Clock(ctypes.Structure): _fields_ = [("flags", u32), ("id", u32), ("name", ctypes.c_char * 64), ("nsec", ctypes.c_uint64), ("rate_num", u32), ("rate_denom", u32), ("position", ctypes.c_uint64), ("duration", ctypes.c_uint64)]
dequeue = sig("pw_stream_dequeue_buffer", ctypes.POINTER(PwBuffer), vp)
queue = sig("pw_stream_queue_buffer", ctypes.c_int, vp, ctypes.POINTER(PwBuffer))
stream_new = sig("pw_stream_new_simple", vp, vp, ctypes.c_char_p, vp, vp, vp)
connect = sig("pw_stream_connect", ctypes.c_int, vp, ctypes.c_int, u32, ctypes.c_int, ctypes.POINTER(vp), u32)
DESTROY = ctypes.CFUNCTYPE(None, vp)
STATE = ctypes.CFUNCTYPE(None, vp, ctypes.c_int, ctypes.c_int, ctypes.c_char_p)
IO = ctypes.CFUNCTYPE(None, vp, u32, vp, u32)
PROCESS = ctypes.CFUNCTYPE(None, vp)
class Events(ctypes.Structure):
    _fields_ = [("version", u32), ("destroy", vp), ("state_changed", STATE), ("control_info", vp), ("io_changed", IO), ("param_changed", vp), ("add_buffer", vp), ("remove_buffer", vp), ("process", PROCESS), ("drained", vp), ("command", vp), ("trigger_done", vp)]
position = [None]
stream = [None]
CHANNELS, STRIDE = 2, 8
def on_state(_d, old, new, error):
    print(("error %s" % error.decode()) if new < 0 and error else "state %d" % new, flush=True)
def on_io(_d, io_id, area, size):
    if io_id == 7:  # SPA_IO_Position: spa_io_clock comes first
        position[0] = ctypes.cast(area, ctypes.POINTER(Clock)) if area else None
def on_process(_d):
    b = dequeue(stream[0])
    clock = position[0]
    if b:
        d = b.contents.buffer.contents.datas[0]
        frames = b.contents.requested or (d.maxsize // STRIDE)
        frames = min(frames, d.maxsize // STRIDE)
        if d.data:
            ctypes.memset(d.data, 0, frames * STRIDE)
        d.chunk.contents.offset = 0; d.chunk.contents.stride = STRIDE; d.chunk.contents.size = frames * STRIDE
        queue(stream[0], b)
    if share <= 0 or clock is None: return
    c = clock.contents
    if c.rate_denom == 0: return
    until = c.nsec + int(share * c.duration * c.rate_num * 1e9 / c.rate_denom)
    while time.clock_gettime_ns(time.CLOCK_MONOTONIC) < until: pass
events = Events(version=2, state_changed=STATE(on_state), io_changed=IO(on_io), process=PROCESS(on_process))
def pod_id(v): return struct.pack("<IIII", 4, 3, v, 0)
def pod_int(v): return struct.pack("<IIiI", 4, 4, v, 0)
def prop(k, p): return struct.pack("<II", k, 0) + p
body = struct.pack("<II", 0x40003, 3) + prop(1, pod_id(1)) + prop(2, pod_id(1)) + prop(0x10001, pod_id(0x11b)) + prop(0x10004, pod_int(CHANNELS))
pod = ctypes.create_string_buffer(struct.pack("<II", len(body), 15) + body)
params = (vp * 1)(ctypes.cast(pod, vp))
loop = main_loop_new(None)
props = "media.type=Audio media.category=Playback media.role=Production node.name=archibald-tune-load node.description=archibald-tune"
if target: props += " target.object=" + target
stream[0] = stream_new(get_loop(loop), b"archibald-tune-load", props_new(props.encode()), ctypes.byref(events), None)
if not stream[0]: print("error cannot create a PipeWire stream (is PipeWire running?)", flush=True); sys.exit(3)
r = connect(stream[0], 1, 0xffffffff, 1 | 4 | 16, params, 1)
if r < 0: print("error connect %d" % r, flush=True); sys.exit(3)
run(loop)
`;
