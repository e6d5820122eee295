"""Route handlers of the agencies domain, collected for create_app()."""

from export_mgmt.agencies.api import AgencyApi, BrokerApi
from export_mgmt.agencies.broker_pages import BrokerPages
from export_mgmt.agencies.controllers import AgencyPages
from export_mgmt.agencies.licence_pages import LicencePages
from export_mgmt.agencies.public import VerifyPages

ROUTES: list = [AgencyPages, LicencePages, BrokerPages, VerifyPages, AgencyApi, BrokerApi]
