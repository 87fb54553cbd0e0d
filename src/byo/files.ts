// A user's model as it arrives: its files as bytes, and the role it is meant for.

/** One file of a user's model (a dropped/picked/fetched file), as bytes; `name` may carry a folder path. */
export interface ModelFileData {
  readonly name: string;
  readonly data: ArrayBuffer;
}

export type ModelRole = 'teacher' | 'student';
