from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor

class Provider(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PROVIDER_UNSPECIFIED: _ClassVar[Provider]
    PROVIDER_AWS: _ClassVar[Provider]
    PROVIDER_GCP: _ClassVar[Provider]
    PROVIDER_AZURE: _ClassVar[Provider]
    PROVIDER_DIGITALOCEAN: _ClassVar[Provider]
    PROVIDER_FOCUS_FILE: _ClassVar[Provider]
PROVIDER_UNSPECIFIED: Provider
PROVIDER_AWS: Provider
PROVIDER_GCP: Provider
PROVIDER_AZURE: Provider
PROVIDER_DIGITALOCEAN: Provider
PROVIDER_FOCUS_FILE: Provider
