//! NHS England identifier formats: NHS numbers and ODS codes, as plain checks usable outside
//! the validator (the validator applies them to every Identifier, see
//! `validator::nhs_identifier`).

mod nhs_number;
mod ods_code;

pub use nhs_number::{NHS_NUMBER_SYSTEM, NhsNumberError, check_nhs_number, nhs_check_digit};
pub use ods_code::{
    ODS_ORGANIZATION_CODE_SYSTEM, ODS_SITE_CODE_SYSTEM, OdsCodeError, check_ods_code,
};
