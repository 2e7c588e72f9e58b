/**
 * Shim part: `requestDevice` options, validated and canonicalised as Web Bluetooth §4.1
 * ("canonicalizing the options" and each filter) says, with Chromium's TypeError messages.
 * Self-contained (no run-time imports, no module-level references): `install.ts` serialises it.
 */
import type { ShimBase, ShimUuids } from './shim-types.js';
import type {
  ManufacturerDataFilterJson,
  RequestDeviceOptionsJson,
  ScanFilterJson,
  ServiceDataFilterJson,
} from './types.js';

export function createShimOptions(
  base: ShimBase,
  uuids: ShimUuids,
): { canonicalOptions(raw: unknown): RequestDeviceOptionsJson } {
  const { bytesOf } = base;
  const { getService } = uuids;
  const REQUEST = "Failed to execute 'requestDevice' on 'Bluetooth': ";
  const sequence = (value: unknown, what: string): unknown[] => {
    const iterable = value as { [Symbol.iterator]?: unknown } | null;
    if (iterable === null || typeof iterable !== 'object' || typeof iterable[Symbol.iterator] !== 'function')
      throw new TypeError(`${REQUEST}'${what}' is not iterable.`);
    return Array.from(iterable as Iterable<unknown>);
  };
  const dictionary = (value: unknown, what: string): Record<string, unknown> => {
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object')
      throw new TypeError(`${REQUEST}The provided value is not of type '${what}'.`);
    return value as Record<string, unknown>;
  };
  const utf8Length = (text: string): number => new TextEncoder().encode(text).length;
  const dataFilter = (raw: Record<string, unknown>): { dataPrefix: number[]; mask: number[] } => {
    const dataPrefix = raw.dataPrefix === undefined ? [] : bytesOf(raw.dataPrefix, REQUEST.slice(0, -2));
    const mask =
      raw.mask === undefined ? dataPrefix.map(() => 0xff) : bytesOf(raw.mask, REQUEST.slice(0, -2));
    if (mask.length !== dataPrefix.length)
      throw new TypeError(`${REQUEST}'mask' size must be equal to 'dataPrefix' size.`);
    return { dataPrefix, mask };
  };
  const canonicalFilter = (raw: unknown, list: string): ScanFilterJson => {
    const filter = dictionary(raw, 'BluetoothLEScanFilterInit');
    const members = ['services', 'name', 'namePrefix', 'manufacturerData', 'serviceData'];
    if (!members.some((m) => filter[m] !== undefined))
      throw new TypeError(`${REQUEST}A filter must restrict the devices in some way.`);
    const out: {
      services?: string[];
      name?: string;
      namePrefix?: string;
      manufacturerData?: ManufacturerDataFilterJson[];
      serviceData?: ServiceDataFilterJson[];
    } = {};
    if (filter.services !== undefined) {
      const services = sequence(filter.services, `${list}.services`);
      if (services.length === 0)
        throw new TypeError(`${REQUEST}'services', if present, must contain at least one service.`);
      out.services = services.map(getService);
    }
    if (filter.name !== undefined) {
      out.name = String(filter.name);
      if (utf8Length(out.name) > 248)
        throw new TypeError(`${REQUEST}A device name can't be longer than 248 bytes.`);
    }
    if (filter.namePrefix !== undefined) {
      out.namePrefix = String(filter.namePrefix);
      if (out.namePrefix.length === 0)
        throw new TypeError(`${REQUEST}'namePrefix', if present, must be non-empty.`);
      if (utf8Length(out.namePrefix) > 248)
        throw new TypeError(`${REQUEST}A device name can't be longer than 248 bytes.`);
    }
    if (filter.manufacturerData !== undefined) {
      const entries = sequence(filter.manufacturerData, `${list}.manufacturerData`);
      if (entries.length === 0)
        throw new TypeError(`${REQUEST}'manufacturerData', if present, must be non-empty to filter devices.`);
      const seen = new Set<number>();
      out.manufacturerData = entries.map((entry) => {
        const data = dictionary(entry, 'BluetoothManufacturerDataFilterInit');
        if (data.companyIdentifier === undefined)
          throw new TypeError(
            "Failed to read the 'companyIdentifier' property from 'BluetoothManufacturerDataFilterInit': " +
              'Required member is undefined.',
          );
        const companyIdentifier = Number(data.companyIdentifier) & 0xffff;
        if (seen.has(companyIdentifier))
          throw new TypeError(`${REQUEST}'manufacturerData' cannot contain duplicate company identifiers.`);
        seen.add(companyIdentifier);
        return { companyIdentifier, ...dataFilter(data) };
      });
    }
    if (filter.serviceData !== undefined) {
      const entries = sequence(filter.serviceData, `${list}.serviceData`);
      if (entries.length === 0)
        throw new TypeError(`${REQUEST}'serviceData', if present, must be non-empty to filter devices.`);
      out.serviceData = entries.map((entry) => {
        const data = dictionary(entry, 'BluetoothServiceDataFilterInit');
        return { service: getService(data.service), ...dataFilter(data) };
      });
    }
    return out;
  };
  const canonicalOptions = (raw: unknown): RequestDeviceOptionsJson => {
    const o = dictionary(raw, 'RequestDeviceOptions');
    const hasFilters = o.filters !== undefined;
    const acceptAllDevices = Boolean(o.acceptAllDevices);
    if (o.exclusionFilters !== undefined && !hasFilters)
      throw new TypeError(`${REQUEST}'filters' member must be present if 'exclusionFilters' is present.`);
    if (hasFilters === acceptAllDevices)
      throw new TypeError(
        `${REQUEST}Either 'filters' should be present or 'acceptAllDevices' should be true, but not both.`,
      );
    const out: {
      filters?: ScanFilterJson[];
      exclusionFilters?: ScanFilterJson[];
      acceptAllDevices: boolean;
      optionalServices: string[];
      optionalManufacturerData: number[];
    } = { acceptAllDevices, optionalServices: [], optionalManufacturerData: [] };
    if (hasFilters) {
      const filters = sequence(o.filters, 'filters');
      if (filters.length === 0)
        throw new TypeError(`${REQUEST}'filters' member must be non-empty to find any devices.`);
      out.filters = filters.map((f) => canonicalFilter(f, 'filters'));
    }
    if (o.exclusionFilters !== undefined) {
      const exclusions = sequence(o.exclusionFilters, 'exclusionFilters');
      if (exclusions.length === 0)
        throw new TypeError(`${REQUEST}'exclusionFilters' member must be non-empty to exclude any device.`);
      out.exclusionFilters = exclusions.map((f) => canonicalFilter(f, 'exclusionFilters'));
    }
    if (o.optionalServices !== undefined)
      out.optionalServices = sequence(o.optionalServices, 'optionalServices').map(getService);
    if (o.optionalManufacturerData !== undefined)
      out.optionalManufacturerData = sequence(o.optionalManufacturerData, 'optionalManufacturerData').map(
        (id) => Number(id) & 0xffff,
      );
    return out;
  };
  return { canonicalOptions };
}
