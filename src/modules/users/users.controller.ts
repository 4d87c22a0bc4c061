import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited, CurrentPrincipal, Roles } from '../../common/auth/decorators';
import { NotFoundError } from '../../common/errors/domain-error';
import { Page } from '../../common/pagination/cursor';
import { Principal } from '../../common/tenancy/request-context';
import { InviteUserDto, ListUsersQueryDto, UpdateUserDto, UserPageDto, UserResponseDto } from './dto/user.dto';
import { UsersService } from './users.service';

/** A malformed id is simply not one of yours: 404, like any other id you cannot see. */
export const UuidParam = (name: string) =>
  Param(name, new ParseUUIDPipe({ version: undefined, exceptionFactory: () => new NotFoundError('Resource') }));

@ApiTags('users')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Audited({ action: 'user.list', resourceType: 'user' })
  @ApiOperation({ summary: 'The practice’s user accounts (admins)' })
  @ApiOkResponse({ type: UserPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() q: ListUsersQueryDto): Promise<Page<UserResponseDto>> {
    return this.users.list(p, q);
  }

  @Post()
  @Audited({ action: 'user.invite', resourceType: 'user', idFromResponse: true })
  @ApiOperation({ summary: 'Invite a clinician or admin by email (single-use, expiring link)' })
  @ApiCreatedResponse({ type: UserResponseDto })
  async invite(@CurrentPrincipal() p: Principal, @Body() dto: InviteUserDto): Promise<UserResponseDto> {
    return UserResponseDto.from(await this.users.invite(p, dto));
  }

  @Get(':id')
  @Audited({ action: 'user.read', resourceType: 'user', idParam: 'id' })
  @ApiOperation({ summary: 'One user account' })
  @ApiOkResponse({ type: UserResponseDto })
  async get(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string): Promise<UserResponseDto> {
    return UserResponseDto.from(await this.users.get(p, id));
  }

  @Patch(':id')
  @Audited({ action: 'user.update', resourceType: 'user', idParam: 'id' })
  @ApiOperation({ summary: 'Change role, name, or deactivate/reactivate (deactivation ends sessions at once)' })
  @ApiOkResponse({ type: UserResponseDto })
  async update(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string, @Body() dto: UpdateUserDto): Promise<UserResponseDto> {
    return UserResponseDto.from(await this.users.update(p, id, dto));
  }

  @Post(':id/invitation')
  @HttpCode(204)
  @Audited({ action: 'user.invitation_resend', resourceType: 'user', idParam: 'id' })
  @ApiOperation({ summary: 'Send a fresh invitation link (the previous one stops working)' })
  @ApiNoContentResponse()
  async resend(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string): Promise<void> {
    await this.users.resendInvitation(p, id);
  }
}
