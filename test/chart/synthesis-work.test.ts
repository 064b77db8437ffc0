import { Chart } from 'cdk8s';
import { Node } from 'constructs';
import { tierOutput } from '../../lib/chart';
import { departmentWithExtraServices, increments } from '../_extra-services';

/**
 * Synthesis walks the construct tree a number of times independent of the number of components: counted, not timed.
 * The count is the constructs cdk8s's tree walks return (`node.findAll()`), plus every `Chart.of` (a walk up to the
 * closest chart) and every `Chart.isChart` (what `instanceof Chart` asks). cdk8s's own `toJson()` per component
 * re-walks the whole app for each, and its dependency inference asks `Chart.of` of every construct of the tier once
 * per component chart: either makes the count grow with the square of the number of components, and this fails.
 */
describe('synthesis work', () => {
  function treeWork(extraServices: number): number {
    const chart = departmentWithExtraServices(extraServices);
    let walked = 0;
    const findAll = Object.getOwnPropertyDescriptor(Node.prototype, 'findAll')!.value as Node['findAll'];
    const findAllSpy = jest.spyOn(Node.prototype, 'findAll').mockImplementation(function (this: Node, ...args) {
      const found = findAll.apply(this, args);
      walked += found.length;
      return found;
    });
    const of = jest.spyOn(Chart, 'of');
    const isChart = jest.spyOn(Chart, 'isChart');
    try {
      tierOutput(chart);
      return walked + of.mock.calls.length + isChart.mock.calls.length;
    } finally {
      findAllSpy.mockRestore();
      of.mockRestore();
      isChart.mockRestore();
    }
  }

  test('the tree work of tierOutput grows linearly with the components: the second hundred costs what the first did', () => {
    const work = [treeWork(0), treeWork(100), treeWork(200)] as const;
    const { first, second } = increments(work);
    expect(first).toBeGreaterThan(0);
    expect(second).toBeLessThanOrEqual(first * 1.1);
  });
});
