/** /proc/mounts, mountinfo and /proc/swaps write space, tab, newline and backslash as octal escapes ("\040"). */
export const unescapeMountField = (field: string): string => field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
