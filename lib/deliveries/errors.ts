/** Bad input to the delivery store (an HTTP layer maps it to 400 with `field` and `message`). */
export class DeliveryInputError extends Error {
  override readonly name = 'DeliveryInputError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}
