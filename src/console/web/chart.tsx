/**
 * One uPlot chart: created once when mounted, fed new data with setData, resized with setSize,
 * destroyed when unmounted. Rebuilt only when `rebuildKey` changes (e.g. another series set).
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface PlotProps {
  options: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  height?: number;
  rebuildKey?: string;
  testId?: string;
}

export function Plot({ options, data, height = 240, rebuildKey = '', testId }: PlotProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latestData = useRef(data);
  latestData.current = data;

  useEffect(() => {
    const element = host.current;
    if (element === null) return undefined;
    // The element's content box: its padding must not push the chart (and its legend) outside.
    const inner = (): number => {
      const style = getComputedStyle(element);
      return Math.max(320, element.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight));
    };
    const width = inner();
    const chart = new uPlot({ ...options, width, height }, latestData.current, element);
    plot.current = chart;
    const observer = new ResizeObserver(() => {
      const next = inner();
      if (next !== chart.width) chart.setSize({ width: next, height });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
      plot.current = null;
    };
    // Options are read once per build on purpose: see rebuildKey.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rebuildKey, height]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return <div class="plot" ref={host} data-testid={testId} />;
}
