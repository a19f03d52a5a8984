/** Whether a host name (without port or brackets) names this machine: localhost, ::1 or an address in 127/8. */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase();
  return name === 'localhost' || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name);
}
