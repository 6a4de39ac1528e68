// Who made a device, from the enterprise number its sysObjectID sits under (IANA Private Enterprise
// Numbers, as the vendors' own MIBs root their trees): a device no profile reads is still named.

const ENTERPRISES: Readonly<Record<number, string>> = {
  9: 'Cisco',
  232: 'HPE',
  311: 'Microsoft',
  318: 'APC',
  476: 'Vertiv (Liebert)',
  534: 'Eaton',
  674: 'Dell',
  705: 'Eaton (MGE)',
  850: 'Tripp Lite',
  935: 'PowerWalker / PPC',
  1418: 'Dataprobe',
  1718: 'ServerTech',
  2021: 'Net-SNMP (UCD)',
  2634: 'WTI',
  3808: 'CyberPower',
  4555: 'Socomec',
  8072: 'Net-SNMP',
  10456: 'Planet',
  13400: 'Vertiv',
  13409: 'Megatec',
  13742: 'Raritan',
  17420: 'DigiPower',
  19536: 'Panduit',
  21239: 'Vertiv (Geist)',
  21317: 'ATEN',
  28402: 'Conteg',
  28507: 'Gude',
  30932: 'Chatsworth',
  31034: 'Schleifenbauer',
  38446: 'Enlogic',
  39145: 'ICT',
};

/** The enterprise number of a sysObjectID under 1.3.6.1.4.1, or null. */
export function enterpriseOf(sysObjectId: string | null): number | null {
  const m = /^\.?1\.3\.6\.1\.4\.1\.(\d+)(\.|$)/.exec(sysObjectId ?? '');
  return m ? Number(m[1]) : null;
}

/** "APC", or "enterprise 99999" for a number not in the table, or null without one (0 is no vendor). */
export function vendorOf(sysObjectId: string | null): string | null {
  const n = enterpriseOf(sysObjectId);
  if (n === null || n === 0) return null;
  return ENTERPRISES[n] ?? `enterprise ${n}`;
}
