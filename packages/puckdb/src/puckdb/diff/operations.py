"""The closed set of changes puckdb makes to a database, gathered from the object kinds.

Each operation is defined by its kind's module (:mod:`puckdb.kinds`), together with its
phase, its SQL and its hazards; this module names them all in one place for the stages
and tools that speak of operations in general (``diff``, ``plan``, lint, naming).
"""

from puckdb.kinds.aggregates import CreateAggregate, DropAggregate
from puckdb.kinds.base import Operation
from puckdb.kinds.columns import (
    AddColumn,
    AddIdentity,
    AlterColumnType,
    AlterIdentity,
    DropColumn,
    DropIdentity,
    RenameColumn,
    SetColumnDefault,
    SetColumnNullable,
)
from puckdb.kinds.comments import SetComment
from puckdb.kinds.constraints import AddConstraint, Constraint, DropConstraint, RenameConstraint
from puckdb.kinds.enums import (
    AddEnumValue,
    CreateEnum,
    DropEnum,
    DropReplacedEnum,
    EnumColumn,
    RecreateEnum,
    RenameEnumValue,
)
from puckdb.kinds.extensions import CreateExtension, DropExtension, MoveExtension
from puckdb.kinds.functions import CreateFunction, DropFunction, RecreateFunction, SkipFunctionBodyChecks
from puckdb.kinds.indexes import CreateIndex, DropIndex, RenameIndex
from puckdb.kinds.partitions import AttachPartition, CreatePartition, DetachPartition, RefuseManualChange
from puckdb.kinds.policies import AlterPolicy, CreatePolicy, DropPolicy
from puckdb.kinds.schemas import CreateSchema, DropSchema
from puckdb.kinds.sequences import (
    AlterSequence,
    CreateSequence,
    DropSequence,
    RenameSequence,
    SetSequenceOwner,
)
from puckdb.kinds.tables import CreateTable, DropTable, RenameTable, SetLogged, SetRowSecurity
from puckdb.kinds.triggers import CreateTrigger, DropTrigger, SetTriggerEnabled
from puckdb.kinds.views import CreateView, DropView

__all__ = [
    "AddColumn",
    "AddConstraint",
    "AddEnumValue",
    "AddIdentity",
    "AlterColumnType",
    "AlterIdentity",
    "AlterPolicy",
    "AlterSequence",
    "AttachPartition",
    "Constraint",
    "CreateAggregate",
    "CreateEnum",
    "CreateExtension",
    "CreateFunction",
    "CreateIndex",
    "CreatePartition",
    "CreatePolicy",
    "CreateSchema",
    "CreateSequence",
    "CreateTable",
    "CreateTrigger",
    "CreateView",
    "DetachPartition",
    "DropAggregate",
    "DropColumn",
    "DropConstraint",
    "DropEnum",
    "DropExtension",
    "DropFunction",
    "DropIdentity",
    "DropIndex",
    "DropPolicy",
    "DropReplacedEnum",
    "DropSchema",
    "DropSequence",
    "DropTable",
    "DropTrigger",
    "DropView",
    "EnumColumn",
    "MoveExtension",
    "Operation",
    "RecreateEnum",
    "RecreateFunction",
    "RefuseManualChange",
    "RenameColumn",
    "RenameConstraint",
    "RenameEnumValue",
    "RenameIndex",
    "RenameSequence",
    "RenameTable",
    "SetColumnDefault",
    "SetColumnNullable",
    "SetComment",
    "SetLogged",
    "SetRowSecurity",
    "SetSequenceOwner",
    "SetTriggerEnabled",
    "SkipFunctionBodyChecks",
]
