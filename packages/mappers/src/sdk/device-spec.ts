import { deviceFromDmi, type DmiDevice, type DmiDeviceModel } from '@kedge/api/dmi/index.js';
import type { DeviceSpec, PropertySpec, PropertyType } from './driver.js';

const types: ReadonlySet<string> = new Set(['INT', 'FLOAT', 'DOUBLE', 'STRING', 'BOOLEAN', 'BYTES', 'STREAM']);
const DEFAULT_CYCLE_MS = 1000;

/** Extra per-device settings the SDK uses besides what a driver sees. */
export interface DeviceSettings {
  spec: DeviceSpec;
  modelName: string;
  stateReport: { reportToCloud: boolean; reportCycleMs: number };
  /** configData keys dropped because their Any type was unreadable. */
  skipped: string[];
}

/**
 * A DMI Device (+ its DeviceModel, when the mapper has it) → the driver contract's DeviceSpec: each
 * property merged with the model's property of the same name (type, accessMode, limits). Types are
 * upper-cased because KubeEdge's examples write both `INT` and `int`.
 */
export function toDeviceSettings(d: DmiDevice, model: DmiDeviceModel | undefined): DeviceSettings {
  const skipped: string[] = [];
  const obj = deviceFromDmi(d, skipped);
  const spec = obj.spec as Record<string, any>;
  const modelProps = new Map((model?.spec?.properties ?? []).map((p) => [p.name, p]));
  const properties: PropertySpec[] = (spec.properties ?? []).map((p: Record<string, any>): PropertySpec => {
    const mp = modelProps.get(p.name);
    const type = (mp?.type ?? 'STRING').toUpperCase();
    const out: PropertySpec = {
      name: p.name,
      type: (types.has(type) ? type : 'STRING') as PropertyType,
      accessMode: mp?.accessMode === 'ReadWrite' ? 'ReadWrite' : 'ReadOnly',
      visitors: { protocolName: p.visitors?.protocolName || spec.protocol?.protocolName || '', configData: p.visitors?.configData ?? {} },
      collectCycleMs: p.collectCycle > 0 ? p.collectCycle : DEFAULT_CYCLE_MS,
      reportCycleMs: p.reportCycle > 0 ? p.reportCycle : DEFAULT_CYCLE_MS,
      reportToCloud: p.reportToCloud === true,
    };
    if (p.desired?.value !== undefined && p.desired.value !== '') out.desired = String(p.desired.value);
    if (mp?.minimum) out.minimum = mp.minimum;
    if (mp?.maximum) out.maximum = mp.maximum;
    if (mp?.unit) out.unit = mp.unit;
    if (p.pushMethod) out.pushMethod = p.pushMethod;
    return out;
  });
  return {
    spec: {
      namespace: d.namespace || 'default',
      name: d.name,
      protocol: { protocolName: spec.protocol?.protocolName ?? '', configData: spec.protocol?.configData ?? {} },
      properties,
    },
    modelName: d.spec?.deviceModelReference ?? '',
    stateReport: { reportToCloud: d.status?.reportToCloud === true, reportCycleMs: Number(d.status?.reportCycle) > 0 ? Number(d.status?.reportCycle) : DEFAULT_CYCLE_MS },
    skipped,
  };
}
