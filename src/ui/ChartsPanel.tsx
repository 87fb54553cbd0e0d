import { ChartControls } from './ChartControls';
import { CompareTable } from './CompareTable';
import { LossChart } from './LossChart';
import { MetricChart } from './MetricChart';
import { PytorchRunView } from './PytorchRunView';

export function ChartsPanel() {
  return (
    <section className="panel charts" aria-labelledby="charts-title" data-testid="charts-panel">
      <h2 id="charts-title">Training curves</h2>
      <ChartControls />
      <div className="chart-grid">
        <LossChart stage="masks" />
        <LossChart stage="distill" />
        <MetricChart />
      </div>
      <PytorchRunView />
      <CompareTable />
    </section>
  );
}
