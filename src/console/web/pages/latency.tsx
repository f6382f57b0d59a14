/** Latency: the model for the current profile, what-if sliders, and the measured figure if any. */
import { useEffect, useState } from 'preact/hooks';
import { STANDARD_RATES } from '../../../profile/contract.js';
import { errorText, getJson } from '../api.js';

interface Stage {
  name: string;
  /** How the model computed it (the latency capability's own words). */
  formula?: string;
  frames: number;
  ms: number;
}
interface LatencyModel {
  /** Present when the server passed the latest `bench rtl` result to `archibald latency --measured`. */
  measured?: { unexplainedMs: number; unexplainedFrames: number; systemicFrames: number; measuredFramesAtModelRate: number };
  rate: number;
  quantum: number;
  stages: Stage[];
  totalFrames: number;
  totalMs: number;
}
interface LatencyResponse {
  model: LatencyModel;
  measured: { latencyMs: number; latencyFrames: number | null; file: string } | null;
}

const QUANTUM_EXPONENTS = { min: 4, max: 13 } as const;
const COLOURS = ['#2563eb', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#dc2626'];

export function LatencyPage() {
  const [profile, setProfile] = useState<{ rate: number; quantum: number } | null>(null);
  const [rate, setRate] = useState<number | null>(null);
  const [quantum, setQuantum] = useState<number | null>(null);
  const [result, setResult] = useState<LatencyResponse | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    getJson<{ profile: { pipewire: { rate: number; quantum: number } } }>('/api/profile')
      .then(({ profile: p }) => {
        setProfile({ rate: p.pipewire.rate, quantum: p.pipewire.quantum });
        setRate(p.pipewire.rate);
        setQuantum(p.pipewire.quantum);
      })
      .catch((caught: unknown) => setError(errorText(caught)));
  }, []);

  useEffect(() => {
    if (rate === null || quantum === null) return undefined;
    // Sliders move fast; ask the model once the hand rests.
    const timer = setTimeout(() => {
      getJson<LatencyResponse>(`/api/latency?rate=${rate}&quantum=${quantum}`)
        .then((response) => {
          setResult(response);
          setError(null);
        })
        .catch((caught: unknown) => setError(errorText(caught)));
    }, 150);
    return () => clearTimeout(timer);
  }, [rate, quantum]);

  const model = result?.model;
  const measured = result?.measured ?? null;
  const rateIndex = Math.max(0, STANDARD_RATES.indexOf((rate ?? 48000) as (typeof STANDARD_RATES)[number]));
  const whatIf = profile !== null && (rate !== profile.rate || quantum !== profile.quantum);
  return (
    <section>
      <header class="page-head">
        <h1>Latency</h1>
        {whatIf && profile !== null && (
          <button
            type="button"
            class="small"
            onClick={() => {
              setRate(profile.rate);
              setQuantum(profile.quantum);
            }}
          >
            Back to the profile
          </button>
        )}
      </header>
      <div class="sliders">
        <label>
          Sample rate <b data-testid="rate-value">{rate ?? '…'} Hz</b>
          <input
            type="range"
            min={0}
            max={STANDARD_RATES.length - 1}
            step={1}
            value={rateIndex}
            data-testid="rate-slider"
            onInput={(event) => setRate(STANDARD_RATES[Number((event.currentTarget as HTMLInputElement).value)] ?? 48000)}
          />
        </label>
        <label>
          Quantum <b data-testid="quantum-value">{quantum ?? '…'} frames</b>
          <input
            type="range"
            min={QUANTUM_EXPONENTS.min}
            max={QUANTUM_EXPONENTS.max}
            step={1}
            value={Math.log2(quantum ?? 32)}
            data-testid="quantum-slider"
            onInput={(event) => setQuantum(2 ** Number((event.currentTarget as HTMLInputElement).value))}
          />
        </label>
      </div>
      {whatIf && <p class="muted">What if: these are not the profile's values (rate {profile?.rate}, quantum {profile?.quantum}).</p>}
      {error !== null && <p class="error">{error}</p>}
      {model !== undefined && (
        <>
          <p class="big" data-testid="latency-total">
            Round trip (model): <b>{model.totalMs.toFixed(2)} ms</b> <span class="muted">({model.totalFrames.toFixed(0)} frames at {model.rate} Hz)</span>
          </p>
          <p data-testid="latency-measured">
            {measured === null ? (
              <span class="muted">No measurement yet: run `archibald bench rtl` to compare the model with a real loop.</span>
            ) : (
              <>
                Measured (bench rtl, {measured.file}): <b>{measured.latencyMs.toFixed(2)} ms</b>
                {measured.latencyFrames === null ? '' : ` (${measured.latencyFrames.toFixed(1)} frames)`} —{' '}
                {measured.latencyMs >= model.totalMs ? '+' : ''}
                {(measured.latencyMs - model.totalMs).toFixed(2)} ms against the model
                {model.measured !== undefined && (
                  <span data-testid="systemic">
                    {' '}
                    · systemic latency to enter in Ardour: <b>{model.measured.systemicFrames} frames</b> (about half on input, half on output)
                  </span>
                )}
              </>
            )}
          </p>
          <div class="stack" aria-label="latency budget by stage">
            {model.stages.map((stage, index) => (
              <span
                class="segment"
                title={`${stage.name}: ${stage.ms.toFixed(2)} ms`}
                style={{ flexGrow: Math.max(stage.ms, 0.0001), background: COLOURS[index % COLOURS.length] }}
              />
            ))}
          </div>
          <table data-testid="latency-stages">
            <thead>
              <tr>
                <th />
                <th>Stage</th>
                <th class="num">Frames</th>
                <th class="num">ms</th>
              </tr>
            </thead>
            <tbody>
              {model.stages.map((stage, index) => (
                <tr>
                  <td>
                    <span class="swatch" style={{ background: COLOURS[index % COLOURS.length] }} />
                  </td>
                  <td title={stage.formula}>
                    {stage.name}
                    {stage.formula !== undefined && <div class="help">{stage.formula}</div>}
                  </td>
                  <td class="num">{Number.isInteger(stage.frames) ? stage.frames : stage.frames.toFixed(1)}</td>
                  <td class="num">{stage.ms.toFixed(3)}</td>
                </tr>
              ))}
              <tr class="total">
                <td />
                <td>Total</td>
                <td class="num">{model.totalFrames.toFixed(0)}</td>
                <td class="num">{model.totalMs.toFixed(3)}</td>
              </tr>
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
