// The example domain's contracts: every command and event type with all its versions, and the
// aggregates whose streams they act on. The engine loads `contracts` into its registry.
import { createContractRegistry, type AnyContract } from '../src/index.ts';
import { ChangeCustomerDetails } from './customers/ChangeCustomerDetails.ts';
import { ChangeCustomerEmail } from './customers/ChangeCustomerEmail.ts';
import { CustomerDetailsChanged } from './customers/CustomerDetailsChanged.ts';
import { CustomerEmailChanged } from './customers/CustomerEmailChanged.ts';
import { CustomerErased } from './customers/CustomerErased.ts';
import { CustomerMoved } from './customers/CustomerMoved.ts';
import { CustomerRegistered } from './customers/CustomerRegistered.ts';
import { customerAggregate } from './customers/customerAggregate.ts';
import { EraseCustomer } from './customers/EraseCustomer.ts';
import { MoveCustomer } from './customers/MoveCustomer.ts';
import { RegisterCustomer } from './customers/RegisterCustomer.ts';
import { AddOrderLine } from './orders/AddOrderLine.ts';
import { CancelOrder } from './orders/CancelOrder.ts';
import { OrderCancelled } from './orders/OrderCancelled.ts';
import { OrderLineAdded } from './orders/OrderLineAdded.ts';
import { OrderPlaced } from './orders/OrderPlaced.ts';
import { OrderShipped } from './orders/OrderShipped.ts';
import { orderAggregate } from './orders/orderAggregate.ts';
import { PlaceOrder } from './orders/PlaceOrder.ts';
import { ShipOrder } from './orders/ShipOrder.ts';
import { PaymentReceived } from './payments/PaymentReceived.ts';
import { PaymentRefunded } from './payments/PaymentRefunded.ts';
import { paymentAggregate } from './payments/paymentAggregate.ts';
import { RecordPayment } from './payments/RecordPayment.ts';
import { RefundPayment } from './payments/RefundPayment.ts';

export { customerAggregate, type CustomerState } from './customers/customerAggregate.ts';
export { orderAggregate, type OrderState } from './orders/orderAggregate.ts';
export { paymentAggregate, type PaymentState } from './payments/paymentAggregate.ts';
export {
  CustomerRegistered,
  CustomerDetailsChanged,
  CustomerEmailChanged,
  CustomerMoved,
  CustomerErased,
  RegisterCustomer,
  ChangeCustomerDetails,
  ChangeCustomerEmail,
  MoveCustomer,
  EraseCustomer,
  OrderPlaced,
  OrderLineAdded,
  OrderCancelled,
  OrderShipped,
  PlaceOrder,
  AddOrderLine,
  CancelOrder,
  ShipOrder,
  PaymentReceived,
  PaymentRefunded,
  RecordPayment,
  RefundPayment,
};

export const aggregates = [customerAggregate, orderAggregate, paymentAggregate] as const;

export const eventContracts = [
  CustomerRegistered,
  CustomerDetailsChanged,
  CustomerEmailChanged,
  CustomerMoved,
  CustomerErased,
  OrderPlaced,
  OrderLineAdded,
  OrderCancelled,
  OrderShipped,
  PaymentReceived,
  PaymentRefunded,
] as const;

/** Every event type's contract, as one union: what projections key their handlers by. */
export type Events = (typeof eventContracts)[number];

export const commandContracts = [
  RegisterCustomer,
  ChangeCustomerDetails,
  ChangeCustomerEmail,
  MoveCustomer,
  EraseCustomer,
  PlaceOrder,
  AddOrderLine,
  CancelOrder,
  ShipOrder,
  RecordPayment,
  RefundPayment,
] as const;

export const contracts: readonly AnyContract[] = [...eventContracts, ...commandContracts];

export const contractRegistry = createContractRegistry(contracts);
