import { describe, expect, it } from 'vitest';
import type { DataOf } from '../../src/contracts/index.ts';
import {
  ChangeCustomerDetails,
  ChangeCustomerEmail,
  EraseCustomer,
  MoveCustomer,
  RegisterCustomer,
  contractRegistry,
} from '../../events/index.ts';
import { sampleOf } from '../../src/testing/index.ts';
import { decideAfter } from './decideAfter.ts';

// RegisterCustomer's newest golden sample: Grace Hopper, grace@example.com.
const registration: DataOf<typeof RegisterCustomer> = sampleOf(RegisterCustomer);
const registered = { type: 'CustomerRegistered', data: registration } as const;
const erased = { type: 'CustomerErased', data: { reason: 'gdpr-request' } } as const;
const newAddress = { street: 'Oudegracht 158', postalCode: '3511 AZ', city: 'Utrecht', country: 'NL' };

describe('RegisterCustomer', () => {
  it('registers a customer whose stream is empty', () => {
    expect(decideAfter({ contract: RegisterCustomer, command: registration })).toEqual({
      events: [{ type: 'CustomerRegistered', data: registration }],
    });
  });

  it('registers from a v1 command, upcast to first and last name', () => {
    const { firstName: _firstName, lastName: _lastName, ...rest } = registration;
    const decoded = contractRegistry.decode('command', 'RegisterCustomer', 1, {
      ...rest,
      name: 'Grace Hopper',
    });
    if (decoded.status !== 'ok') throw new Error(`expected ok, got ${decoded.status}`);
    const decision = decideAfter({
      contract: RegisterCustomer,
      command: RegisterCustomer.schema.parse(decoded.value),
    });
    expect(decision).toEqual({ events: [{ type: 'CustomerRegistered', data: registration }] });
  });

  it('rejects registering a customer who is already registered', () => {
    expect(decideAfter({ contract: RegisterCustomer, command: registration, history: [registered] })).toEqual(
      {
        rejected: 'the customer is already registered',
      },
    );
  });

  it('rejects registering an erased customer again under the same id', () => {
    expect(
      decideAfter({ contract: RegisterCustomer, command: registration, history: [registered, erased] }),
    ).toEqual({
      rejected: 'the customer was erased; register them under a new id',
    });
  });
});

describe('ChangeCustomerEmail', () => {
  it('changes the email of a registered customer', () => {
    expect(
      decideAfter({
        contract: ChangeCustomerEmail,
        command: { email: 'ada.king@example.com' },
        history: [registered],
      }),
    ).toEqual({ events: [{ type: 'CustomerEmailChanged', data: { email: 'ada.king@example.com' } }] });
  });

  it('changes nothing when the email is the one the customer has, after earlier changes too', () => {
    const changed = { type: 'CustomerEmailChanged', data: { email: 'ada.king@example.com' } } as const;
    expect(
      decideAfter({
        contract: ChangeCustomerEmail,
        command: { email: 'ada.king@example.com' },
        history: [registered, changed],
      }),
    ).toEqual({ events: [] });
    expect(
      decideAfter({
        contract: ChangeCustomerEmail,
        command: { email: registration.email },
        history: [registered, changed],
      }),
    ).toEqual({ events: [{ type: 'CustomerEmailChanged', data: { email: registration.email } }] });
  });

  it('rejects changing the email of a customer who never registered', () => {
    expect(decideAfter({ contract: ChangeCustomerEmail, command: { email: 'ada@example.com' } })).toEqual({
      rejected: 'a customer who is unregistered has no email to change',
    });
  });
});

describe('ChangeCustomerDetails and MoveCustomer', () => {
  it('change the details and address of a registered customer', () => {
    const details = { firstName: 'Ada', lastName: 'King', phone: '+44 20 7946 0018' };
    expect(decideAfter({ contract: ChangeCustomerDetails, command: details, history: [registered] })).toEqual(
      {
        events: [{ type: 'CustomerDetailsChanged', data: details }],
      },
    );
    expect(
      decideAfter({ contract: MoveCustomer, command: { address: newAddress }, history: [registered] }),
    ).toEqual({
      events: [{ type: 'CustomerMoved', data: { address: newAddress } }],
    });
  });

  it('reject changes to an erased customer', () => {
    expect(
      decideAfter({
        contract: MoveCustomer,
        command: { address: newAddress },
        history: [registered, erased],
      }),
    ).toEqual({ rejected: 'a customer who is erased cannot move' });
    expect(
      decideAfter({
        contract: ChangeCustomerDetails,
        command: { firstName: 'Ada', lastName: 'King', phone: null },
        history: [registered, erased],
      }),
    ).toEqual({ rejected: 'a customer who is erased has no details to change' });
  });
});

describe('EraseCustomer', () => {
  it('erases a registered customer, and changes nothing when asked again', () => {
    expect(
      decideAfter({ contract: EraseCustomer, command: { reason: 'gdpr-request' }, history: [registered] }),
    ).toEqual({
      events: [erased],
    });
    expect(
      decideAfter({
        contract: EraseCustomer,
        command: { reason: 'gdpr-request' },
        history: [registered, erased],
      }),
    ).toEqual({ events: [] });
  });

  it('rejects erasing a customer who never registered', () => {
    expect(decideAfter({ contract: EraseCustomer, command: { reason: 'account-closed' } })).toEqual({
      rejected: 'there is no such customer',
    });
  });
});
