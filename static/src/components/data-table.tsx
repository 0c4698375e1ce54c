/** DynamicTable with its head given as column key → heading, in order, so a view states its columns once. */
import type { ComponentProps, ReactNode } from 'react';
import DynamicTable from '@atlaskit/dynamic-table';

export function DataTable({ columns, ...table }: { columns: Record<string, ReactNode> } & Omit<ComponentProps<typeof DynamicTable>, 'head'>) {
  return <DynamicTable {...table} head={{ cells: Object.entries(columns).map(([key, content]) => ({ key, content })) }} />;
}
