import { registerDecorator, ValidationArguments } from 'class-validator';
import { parsePriceTable } from '@streamscribe/providers';

/** PRICE_TABLE must parse (see parsePriceTable); the message says what is wrong with it. */
export function IsPriceTable(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isPriceTable',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && priceTableProblem(value) === undefined,
        defaultMessage: (args?: ValidationArguments) =>
          priceTableProblem(String(args?.value)) ?? 'PRICE_TABLE is invalid',
      },
    });
}

function priceTableProblem(json: string): string | undefined {
  try {
    parsePriceTable(json);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
