import { tierOutput, tierOutputManifests } from '../../lib/chart';
import { validateManifests } from '../../lib/validate';
import { objectsVisited } from '../../lib/validate/_context';
import { departmentWithExtraServices, increments } from '../_extra-services';

/**
 * The gate's cross-object lookups visit a number of objects linear in the output: counted, not timed. A rule that
 * goes back to scanning every object (or every workload) for each workload makes the count grow with the square of
 * the number of services, and this fails.
 */
describe('validation gate work', () => {
  const SERVICES = [0, 100, 200] as const;
  const measured = SERVICES.map((n) => {
    const manifests = tierOutputManifests(tierOutput(departmentWithExtraServices(n)));
    const before = objectsVisited();
    const findings = validateManifests(manifests);
    return { objects: manifests.length, visited: objectsVisited() - before, findings };
  });

  test('the output passes the gate at every size, so every rule ran on every object', () => {
    for (const m of measured) expect(m.findings).toEqual([]);
    // Seven objects per ScalableService (Deployment, Service, ServiceAccount, HPA, VPA, PDB, NetworkPolicy).
    expect(measured[2].objects - measured[1].objects).toBe(measured[1].objects - measured[0].objects);
    expect(measured[1].objects - measured[0].objects).toBeGreaterThanOrEqual(700);
  });

  test('the objects visited grow linearly with the services: the second hundred costs what the first did', () => {
    const { first, second } = increments([measured[0].visited, measured[1].visited, measured[2].visited]);
    expect(first).toBeGreaterThan(0);
    expect(second).toBeLessThanOrEqual(first * 1.1);
  });

  test('a handful of visits per object, not one per object of the output', () => {
    const perObject = (measured[2].visited - measured[1].visited) / (measured[2].objects - measured[1].objects);
    expect(perObject).toBeLessThan(10);
  });
});
