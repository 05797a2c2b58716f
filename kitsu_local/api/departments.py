"""Department equipment: hardware items and software licenses (admins only).

GET    /data/departments/hardware-items                {department id: [hardware items]}
GET    /data/departments/software-licenses             {department id: [software licenses]}
POST   /data/departments/{department_id}/hardware-items       link a hardware item (201)
GET    /data/departments/{department_id}/hardware-items/{hardware_item_id}
                                                       the item if the department has it
DELETE /data/departments/{department_id}/hardware-items/{hardware_item_id}   unlink it
POST   /data/departments/{department_id}/software-licenses    link a software license (201)
GET    /data/departments/{department_id}/software-licenses/{software_id}
                                                       the license if the department has it
DELETE /data/departments/{department_id}/software-licenses/{software_id}     unlink it
"""

from __future__ import annotations

from uuid import UUID

from litestar import Request

from ..bodies import Body
from ..context import Ctx
from ..services import departments
from ..services.departments import HARDWARE, SOFTWARE
from .endpoint import endpoint, parse


class HardwareBody(Body):
    hardware_item_id: UUID


class SoftwareBody(Body):
    software_id: UUID


@endpoint("GET", "/data/departments/hardware-items")
async def get_all_hardware_items(ctx: Ctx) -> object:
    return await departments.all_by_department(ctx, HARDWARE)


@endpoint("GET", "/data/departments/software-licenses")
async def get_all_software_licenses(ctx: Ctx) -> object:
    return await departments.all_by_department(ctx, SOFTWARE)


@endpoint("POST", "/data/departments/{department_id}/hardware-items")
async def post_hardware_item(ctx: Ctx, request: Request, department_id: str) -> object:
    ctx.me.require_admin()
    body = await parse(request, HardwareBody)
    return await departments.add_item(ctx, HARDWARE, department_id, str(body.hardware_item_id)), 201


@endpoint("GET", "/data/departments/{department_id}/hardware-items/{hardware_item_id}")
async def get_hardware_item(ctx: Ctx, department_id: str, hardware_item_id: str) -> object:
    return await departments.department_item(ctx, HARDWARE, department_id, hardware_item_id)


@endpoint("DELETE", "/data/departments/{department_id}/hardware-items/{hardware_item_id}")
async def delete_hardware_item(ctx: Ctx, department_id: str, hardware_item_id: str) -> object:
    await departments.remove_item(ctx, HARDWARE, department_id, hardware_item_id)
    return None, 204


@endpoint("POST", "/data/departments/{department_id}/software-licenses")
async def post_software_license(ctx: Ctx, request: Request, department_id: str) -> object:
    ctx.me.require_admin()
    body = await parse(request, SoftwareBody)
    return await departments.add_item(ctx, SOFTWARE, department_id, str(body.software_id)), 201


@endpoint("GET", "/data/departments/{department_id}/software-licenses/{software_id}")
async def get_software_license(ctx: Ctx, department_id: str, software_id: str) -> object:
    return await departments.department_item(ctx, SOFTWARE, department_id, software_id)


@endpoint("DELETE", "/data/departments/{department_id}/software-licenses/{software_id}")
async def delete_software_license(ctx: Ctx, department_id: str, software_id: str) -> object:
    await departments.remove_item(ctx, SOFTWARE, department_id, software_id)
    return None, 204


ROUTES = [
    get_all_hardware_items,
    get_all_software_licenses,
    post_hardware_item,
    get_hardware_item,
    delete_hardware_item,
    post_software_license,
    get_software_license,
    delete_software_license,
]
