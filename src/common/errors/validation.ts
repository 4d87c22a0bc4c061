import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

export interface FieldProblem {
  field: string;
  reasons: string[];
}

/** Flattens nested class-validator errors into dotted field paths with their reasons. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    if (e.constraints) {
      out.push({
        field,
        reasons: Object.entries(e.constraints).map(([kind, msg]) =>
          kind === 'whitelistValidation' ? 'is not an accepted field' : stripProperty(msg, e.property),
        ),
      });
    }
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

function stripProperty(message: string, property: string): string {
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}

export class RequestValidationException extends BadRequestException {
  constructor(readonly fields: FieldProblem[]) {
    super({
      statusCode: 400,
      error: 'Bad Request',
      code: 'validation_failed',
      message: fields.map((f) => `${f.field}: ${f.reasons.join(', ')}`).join('; '),
      fields,
    });
  }
}

/** Unknown fields are refused, not silently dropped: a typo must not look like success. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new RequestValidationException(flattenValidationErrors(errors)),
  });
}
