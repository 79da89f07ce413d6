// The one table of tenantdb errors. Each row: enumerator, stable number, name, retryable,
// description. Numbers follow FoundationDB's error_definitions.h where FoundationDB has the
// same error; tenantdb's own errors live in 3000-3999 (storage) and 4000-4999 (tenant, data).
// Add a row only where a caller can react to the error differently from existing ones.
//
// TENANTDB_ERROR(enumerator, number, name, retryable, description)
#ifndef TENANTDB_ERROR
#error "define TENANTDB_ERROR before including error_codes.h"
#endif

TENANTDB_ERROR(kSuccess, 0, "success", false, "Success")
TENANTDB_ERROR(kOperationFailed, 1000, "operation_failed", false, "Operation failed")
TENANTDB_ERROR(kTimedOut, 1004, "timed_out", false, "Operation timed out")
TENANTDB_ERROR(kTransactionTooOld, 1007, "transaction_too_old", true,
               "Transaction is too old to perform reads or be committed")
TENANTDB_ERROR(kNotCommitted, 1020, "not_committed", true,
               "Transaction not committed due to conflict with another transaction")
TENANTDB_ERROR(kCommitUnknownResult, 1021, "commit_unknown_result", true,
               "Transaction may or may not have committed")
TENANTDB_ERROR(kTransactionCancelled, 1025, "transaction_cancelled", false,
               "Operation aborted because the transaction was cancelled")
TENANTDB_ERROR(kTooManyWatches, 1032, "too_many_watches", false, "Too many watches currently set")
TENANTDB_ERROR(kWatchCancelled, 1101, "watch_cancelled", false,
               "Watch cancelled because storage or the transaction was closed")
TENANTDB_ERROR(kIoError, 1510, "io_error", false, "Disk i/o operation failed")
TENANTDB_ERROR(kFileNotFound, 1511, "file_not_found", false, "File not found")
TENANTDB_ERROR(kClientInvalidOperation, 2000, "client_invalid_operation", false, "Invalid API call")
TENANTDB_ERROR(kKeyOutsideLegalRange, 2004, "key_outside_legal_range", false,
               "Key outside legal range")
TENANTDB_ERROR(kInvertedRange, 2005, "inverted_range", false, "Range begin key larger than end key")
TENANTDB_ERROR(kInvalidOptionValue, 2006, "invalid_option_value", false,
               "Option set with an invalid value")
TENANTDB_ERROR(kUsedDuringCommit, 2017, "used_during_commit", false,
               "Operation issued while a commit was outstanding")
TENANTDB_ERROR(kInvalidMutationType, 2018, "invalid_mutation_type", false,
               "Unrecognized atomic mutation type")
TENANTDB_ERROR(kTransactionInvalidVersion, 2020, "transaction_invalid_version", false,
               "Transaction does not have a valid commit version")
TENANTDB_ERROR(kNoCommitVersion, 2021, "no_commit_version", false,
               "Transaction is read-only and therefore does not have a commit version")
TENANTDB_ERROR(kTransactionTooLarge, 2101, "transaction_too_large", false,
               "Transaction exceeds byte limit")
TENANTDB_ERROR(kKeyTooLarge, 2102, "key_too_large", false, "Key length exceeds limit")
TENANTDB_ERROR(kValueTooLarge, 2103, "value_too_large", false, "Value length exceeds limit")
TENANTDB_ERROR(kTenantNotFound, 2131, "tenant_not_found", false, "Tenant does not exist")
TENANTDB_ERROR(kTenantAlreadyExists, 2132, "tenant_already_exists", false,
               "A tenant with the given name already exists")
TENANTDB_ERROR(kInvalidTenantName, 2134, "invalid_tenant_name", false,
               "Tenant name is not 1-255 bytes of UTF-8 without control characters")
TENANTDB_ERROR(kTenantLocked, 2144, "tenant_locked", false,
               "Tenant is locked: reads work, writes fail")
TENANTDB_ERROR(kInvalidArgument, 3000, "invalid_argument", false,
               "An argument was malformed or out of range")
TENANTDB_ERROR(kInvalidStoreUrl, 3001, "invalid_store_url", false,
               "Store URL is not memory: or file:<path>")
TENANTDB_ERROR(kInvalidTuple, 3002, "invalid_tuple", false, "Bytes are not a valid tuple encoding")
TENANTDB_ERROR(kStorageBusy, 3010, "storage_busy", true, "Storage engine is busy; try again")
TENANTDB_ERROR(kStorageTimedOut, 3011, "storage_timed_out", true,
               "Storage engine operation timed out")
TENANTDB_ERROR(kCorruption, 3012, "corruption", false, "Stored data is corrupt")
TENANTDB_ERROR(kNoSpace, 3013, "no_space", false, "No space left on the storage device")
TENANTDB_ERROR(kStoreLocked, 3014, "store_locked", false, "Store is in use by another process")
TENANTDB_ERROR(kNotSupported, 3015, "not_supported", false,
               "The storage engine does not support this operation")
TENANTDB_ERROR(kStoreClosed, 3016, "store_closed", false,
               "The store was closed or failed and must be reopened")
TENANTDB_ERROR(kQuotaExceeded, 4001, "quota_exceeded", false,
               "A tenant quota (stored bytes or operations per second) was exceeded")
TENANTDB_ERROR(kInternalError, 4000, "internal_error", false, "An internal error occurred")
