/** The console's front end: a tiny hash router over five pages. */
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { BenchPage } from './pages/bench.js';
import { LatencyPage } from './pages/latency.js';
import { LivePage } from './pages/live.js';
import { ProfilePage } from './pages/profile.js';
import { StatusPage } from './pages/status.js';

const PAGES = [
  { id: 'status', title: 'Status', component: StatusPage },
  { id: 'live', title: 'Live', component: LivePage },
  { id: 'latency', title: 'Latency', component: LatencyPage },
  { id: 'profile', title: 'Profile', component: ProfilePage },
  { id: 'bench', title: 'Bench', component: BenchPage },
] as const;

const pageFromHash = (): string => {
  const id = location.hash.replace(/^#\/?/, '');
  return PAGES.some((page) => page.id === id) ? id : 'status';
};

function App() {
  const [current, setCurrent] = useState(pageFromHash());
  useEffect(() => {
    const onHash = (): void => setCurrent(pageFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const page = PAGES.find((candidate) => candidate.id === current) ?? PAGES[0];
  const Page = page.component;
  useEffect(() => {
    document.title = `${page.title} · ArchibaldOS console`;
  }, [page.title]);
  return (
    <>
      <nav class="top">
        <span class="brand">ArchibaldOS</span>
        {PAGES.map((candidate) => (
          <a href={`#/${candidate.id}`} class={candidate.id === current ? 'active' : ''} data-page={candidate.id}>
            {candidate.title}
          </a>
        ))}
      </nav>
      <main data-page-id={page.id}>
        <Page />
      </main>
    </>
  );
}

const root = document.getElementById('app');
if (root !== null) {
  root.textContent = '';
  render(<App />, root);
}
