// Replaced by the full patient types.
export interface Patient {
  asOf?: string;
  birthDate?: string;
  age?: number;
  sex?: 'female' | 'male';
  [field: string]: unknown;
}
